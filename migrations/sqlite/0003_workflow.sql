-- qidi schema 0003 (SQLite): the approval workflow (R8–R12, R15, R17).
-- The events table stays the record: every transition is an `application.<action>`
-- event whose payload holds the core's ApplicationEvent. The columns below are derived
-- from those events for queries (state, version, deadlines) and change only in the
-- same transaction as the event that changes them.

-- Item catalogue: the checklist, prerequisites and warning thresholds per item type.
-- required_materials is JSON [{"code","name"}] in checklist order; NULL until the
-- defaults below (or an office edit) fill it. prerequisites is JSON [item type code].
-- Edits are audited as `item_type.update` events with the values before and after.
ALTER TABLE item_types ADD COLUMN required_materials TEXT;
ALTER TABLE item_types ADD COLUMN prerequisites TEXT NOT NULL DEFAULT '[]';
ALTER TABLE item_types ADD COLUMN materials_source TEXT NOT NULL DEFAULT '';
ALTER TABLE item_types ADD COLUMN warn_days INTEGER;
ALTER TABLE item_types ADD COLUMN warn_ratio_percent INTEGER;
ALTER TABLE item_types ADD COLUMN updated_at TEXT;

-- Default required materials and prerequisites for the eight shipped item types.
-- These are DEFAULTS drawn from common practice in Inner Mongolia's government-service
-- catalogues, not from a cited national list: the office confirms or edits them
-- (item_types.materials_source says so until then).
CREATE TABLE item_type_defaults (
    item_code          TEXT PRIMARY KEY,
    required_materials TEXT NOT NULL,
    prerequisites      TEXT NOT NULL DEFAULT '[]',
    source             TEXT NOT NULL
);

INSERT INTO item_type_defaults (item_code, required_materials, prerequisites, source) VALUES
('land_pre_review',
 '[{"code":"application_form","name":"建设项目用地预审与选址申请表"},{"code":"initiation_document","name":"项目立项文件（项目建议书批复、核准或备案文件）"},{"code":"boundary_survey","name":"建设项目用地范围勘测定界图及界址点坐标"},{"code":"land_use_analysis","name":"节约集约用地论证分析专章"},{"code":"planning_map","name":"标注项目用地范围的国土空间规划图"}]',
 '[]', 'default (practice), unconfirmed'),
('energy_review',
 '[{"code":"application_form","name":"节能审查申请文件"},{"code":"energy_report","name":"固定资产投资项目节能报告"},{"code":"initiation_document","name":"项目核准或备案文件"},{"code":"business_license","name":"项目单位营业执照（统一社会信用代码证书）"}]',
 '[]', 'default (practice), unconfirmed'),
('eia',
 '[{"code":"application_form","name":"建设项目环境影响评价文件审批申请书"},{"code":"eia_report","name":"环境影响报告书（表）全本"},{"code":"public_participation","name":"公众参与说明（报告书项目）"},{"code":"confidentiality_note","name":"删除涉及国家秘密、商业秘密内容的说明"},{"code":"initiation_document","name":"项目立项（核准、备案）文件"}]',
 '[]', 'default (practice), unconfirmed'),
('water_intake',
 '[{"code":"application_form","name":"取水许可申请书"},{"code":"water_resource_report","name":"建设项目水资源论证报告书（表）"},{"code":"outlet_map","name":"取水和退水口位置示意图"},{"code":"third_party_statement","name":"与第三者利害关系的相关说明"},{"code":"initiation_document","name":"项目立项（核准、备案）文件"}]',
 '[]', 'default (practice), unconfirmed'),
('soil_water',
 '[{"code":"application_form","name":"水土保持方案审批申请文件"},{"code":"soil_water_plan","name":"水土保持方案报告书（表）"},{"code":"technical_review","name":"水土保持方案技术评审意见"},{"code":"initiation_document","name":"项目立项（核准、备案）文件"}]',
 '[]', 'default (practice), unconfirmed'),
('forest_land',
 '[{"code":"application_form","name":"使用林地申请表"},{"code":"initiation_document","name":"项目批准（核准、备案）文件"},{"code":"forest_survey","name":"使用林地现状调查表（可行性报告）"},{"code":"compensation_agreement","name":"林地、林木补偿协议"},{"code":"land_pre_review_opinion","name":"用地预审与选址意见书"}]',
 '["land_pre_review"]', 'default (practice), unconfirmed'),
('grassland',
 '[{"code":"application_form","name":"征占用草原申请表"},{"code":"initiation_document","name":"项目批准（核准、备案）文件"},{"code":"grassland_survey","name":"征占用草原现状调查报告"},{"code":"compensation_agreement","name":"草原补偿、安置补助协议"},{"code":"land_pre_review_opinion","name":"用地预审与选址意见书"}]',
 '["land_pre_review"]', 'default (practice), unconfirmed'),
('construction_permit',
 '[{"code":"application_form","name":"建筑工程施工许可证申请表"},{"code":"land_documents","name":"用地批准手续（不动产权证书或用地批准文件）"},{"code":"planning_permit","name":"建设工程规划许可证"},{"code":"construction_contract","name":"施工合同及中标通知书"},{"code":"drawing_review","name":"施工图设计文件审查合格书"},{"code":"funding_commitment","name":"建设资金已落实承诺书"}]',
 '["land_pre_review"]', 'default (practice), unconfirmed');

-- Fill the live catalogue where it has no list yet (an office edit sets one, even empty).
UPDATE item_types SET
    required_materials = (SELECT d.required_materials FROM item_type_defaults d WHERE d.item_code = item_types.code),
    prerequisites = (SELECT d.prerequisites FROM item_type_defaults d WHERE d.item_code = item_types.code),
    materials_source = (SELECT d.source FROM item_type_defaults d WHERE d.item_code = item_types.code)
WHERE required_materials IS NULL AND code IN (SELECT item_code FROM item_type_defaults);

-- Applications: what the rules judged them by, copied at creation (facts: the core's
-- ApplicationFacts; checklist: codes with names; light_policy: the core's
-- LightPolicy), so later catalogue edits change neither the rules mid-way nor an old
-- history's replay. version counts transition events (optimistic concurrency: a step
-- updates `WHERE version = expected`). due_on/warn_on come from the running clock;
-- the light itself is worked out from them on the day it is read, never stored.
ALTER TABLE applications ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE applications ADD COLUMN checklist TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN light_policy TEXT NOT NULL DEFAULT '{}';
ALTER TABLE applications ADD COLUMN client_token TEXT;
ALTER TABLE applications ADD COLUMN created_by TEXT REFERENCES users(id);
ALTER TABLE applications ADD COLUMN provisional INTEGER NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN paused_since TEXT;
-- Which clock bounds the current step (core ClockKind), and whose turn it is:
-- 'unit', 'department', 'higher_authority'; NULL once closed.
ALTER TABLE applications ADD COLUMN clock_kind TEXT;
ALTER TABLE applications ADD COLUMN awaiting TEXT;
ALTER TABLE applications ADD COLUMN closed_at TEXT;
-- The same form sent twice creates one application.
CREATE UNIQUE INDEX applications_client_token ON applications(client_token);
-- At most one open application per pending item.
CREATE UNIQUE INDEX applications_open_item ON applications(pending_item_id) WHERE closed_at IS NULL;
CREATE INDEX applications_awaiting ON applications(region_code, awaiting, due_on);
CREATE INDEX applications_project ON applications(project_id);

-- One row per transition request that carried a client token: the same token again
-- returns the first result instead of acting twice.
CREATE TABLE application_requests (
    client_token   TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    action         TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);

-- Uploaded materials. The file lives under the data directory as uploads/<stored_name>,
-- a server-made UUID; the original name is only shown and sent back on download.
-- A later upload for the same material replaces it (the older row stays as history).
CREATE TABLE application_files (
    id             TEXT PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions(code),
    application_id TEXT NOT NULL REFERENCES applications(id),
    material_code  TEXT NOT NULL,
    stored_name    TEXT NOT NULL UNIQUE,
    original_name  TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL REFERENCES users(id),
    uploaded_at    TEXT NOT NULL
);
CREATE INDEX application_files_app ON application_files(application_id, material_code, uploaded_at);

-- Assisted service (帮办代办): a named helper accompanies a project. The helper sees
-- its applications; acts for the unit only once the unit has authorised it.
CREATE TABLE project_helpers (
    project_id         TEXT NOT NULL REFERENCES projects(id),
    helper_user_id     TEXT NOT NULL REFERENCES users(id),
    region_code        TEXT NOT NULL REFERENCES regions(code),
    authorised_by_unit INTEGER NOT NULL DEFAULT FALSE,
    assigned_by        TEXT REFERENCES users(id),
    assigned_at        TEXT NOT NULL,
    authorised_at      TEXT,
    PRIMARY KEY (project_id, helper_user_id)
);
CREATE INDEX project_helpers_user ON project_helpers(helper_user_id);
