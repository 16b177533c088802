-- qidi schema 0029 (SQLite): the catalogue's notes in Chinese.
--
-- The shipped limits' sources and the default checklists' note were English; they show on
-- the Chinese catalogue page. Rows still as shipped are rewritten; an office's own text
-- is left alone.

UPDATE item_types SET limit_source = '据实践为 20 个工作日；2019 年起与选址意见书合并办理（待确认）' WHERE limit_source = 'believed 20 days; merged with site selection since 2019 (practice)';
UPDATE item_types SET limit_source = '未确认，默认 20 个工作日' WHERE limit_source = 'unconfirmed; default 20 working days';
UPDATE item_types SET limit_source = '《环境影响评价法》：报告书 60 日，报告表 30 日' WHERE limit_source = 'EIA law: report 60 days, report form 30 days';
UPDATE item_types SET limit_source = '未确认；可能需转报流域管理机构' WHERE limit_source = 'unconfirmed; may be forwarded to the basin authority';
UPDATE item_types SET limit_source = '20 个工作日（已核实）' WHERE limit_source = '20 working days (verified)';
UPDATE item_types SET limit_source = '未确认；有地区承诺 11.5 个工作日（据实践）' WHERE limit_source = 'unconfirmed; one region promises 11.5 working days (practice)';
UPDATE item_types SET limit_source = '7 日（已核实）' WHERE limit_source = '7 days (verified)';
UPDATE item_types SET materials_source = '默认清单（据实践，未确认）' WHERE materials_source = 'default (practice), unconfirmed';
UPDATE item_type_defaults SET source = '默认清单（据实践，未确认）' WHERE source = 'default (practice), unconfirmed';
UPDATE item_types SET materials_source = substr(materials_source, 11) || ' 修改' WHERE materials_source LIKE 'edited by %';
