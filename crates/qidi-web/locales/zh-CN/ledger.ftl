# 台账与基线、Excel 台账导入、项目库的页面文字（ledger_*.html、projects.html，及 ledger.rs、ledger/）。
# 枚举名称：capacity-、signature-state-、change-kind-、answer-state-、removal-reason-、removal-kind-、
# removal-decision-、reduction-、name-kind-、ledger-field-（台账字段）。

## 通用

ledger-list-separator = 、
ledger-full-stop = 。
ledger-empty-value = （空）
ledger-previous = 上一页
ledger-next = 下一页
ledger-col-project = 项目
ledger-col-pending-item = 待批事项
ledger-col-items = 事项
ledger-col-status = 状态
ledger-col-department = 部门
ledger-initiating-department = 立项部门
ledger-handling-department = 办理部门
ledger-campaign-dates = ：{ $from } 至 { $to }。
ledger-import = 导入 Excel 台账

## 进度表与燃尽图

ledger-col-baseline = 基线
ledger-col-additions = 新增
ledger-col-approved = 已审批核减
ledger-col-removed = 移除核减
ledger-col-remaining = 剩余
ledger-col-percent = 完成率
ledger-progress-empty = 台账签字确认后形成基线，此处显示进度。
ledger-progress-heading = 基线进度
ledger-progress-scope = 范围
ledger-progress-total = 全旗合计
ledger-progress-own-ledger = 本部门台账（立项项目）
ledger-progress-own-handling = 本部门办理事项
ledger-burndown-title = 基线燃尽图
ledger-burndown-caption = { $summary }（虚线为按期清零的理想进度，红线为实际剩余）
ledger-burndown-summary = 基线自 { $start } 起 { $initial } 项，截至 { $day } 剩余 { $left } 项，按期清零应剩 { $ideal } 项（工作期至 { $end }）{ $behind ->
        [yes] ，进度落后
       *[no] {""}
    }

## 签字

ledger-current = 当前台账：
ledger-current-items = 项待批事项，内容校验码
ledger-current-plain = 当前台账：{ $n } 项待批事项，内容校验码
ledger-baseline-locked = 基线已锁定
ledger-no-baseline = 尚未形成基线
ledger-signed-now = 当前内容已签：{ $names }
ledger-sign-as = 以{ $capacity }身份签字确认（校验码 { $hash }）
ledger-sig-col-version = 版本校验码
ledger-sig-col-capacity = 签字
ledger-sig-col-signer = 签字人
ledger-sig-col-time = 时间
ledger-sig-col-state = 签字状态
ledger-fully-signed = 已签齐
ledger-not-fully-signed = 未签齐
ledger-no-signatures = 尚无签字。
ledger-signed-version-badge = 签字版本
ledger-sig-missing-checks = 签字时 { $n } 项缺核查情况，已确认知悉
ledger-sign-missing = 我已知悉尚有 { $n } 项缺少核查情况，仍签字确认

## 移出项目库与核减

ledger-removals-heading = 移出项目库与核减记录
ledger-removal-col-kind = 类型
ledger-removal-col-item = 事项
ledger-removal-col-reason = 原因
ledger-removal-col-text = 说明
ledger-removal-col-proposed = 提出
ledger-removal-col-decision = 决定
ledger-removal-col-in-library = 在库
ledger-removal-decision-note = ：{ $note }
ledger-removal-note-placeholder = 决定说明（文号等）
ledger-removal-approve = 批准
ledger-removal-reject = 驳回
ledger-removal-in-library = 在库
ledger-removal-removed = 已移出
ledger-removals-empty = 暂无移除记录。
ledger-removals-shown = 只列出待决定的和最近提出的 { $n } 条。
ledger-reason-placeholder = 理由
ledger-propose-removal = 申请移出项目库
ledger-projects-capped = 项目较多，上面的选择列表只列出前 { $n } 个项目。

## 全旗台账

ledger-banner-title = 全旗台账
ledger-banner-heading = 全旗台账与基线进度
ledger-export-banner = 导出全旗台账（Excel）
ledger-by-initiating = 按立项部门（部门台账）
ledger-by-handling = 按办理部门
ledger-banner-signoff = 全旗台账签字确认
ledger-banner-signoff-hint = 全旗台账由各部门已签齐的台账汇总而成，由领导小组办公室签字确认后报旗政府、盟行署。
ledger-col-department-ledger = 部门台账
ledger-parts-heading = 汇总的部门台账版本
ledger-parts-col-code = 部门代码
ledger-parts-col-hash = 签齐版本校验码
ledger-parts-empty = 尚无签齐的部门台账。
ledger-milestones-heading = 工作节点
ledger-milestones-all = 全部工作与组织机构
ledger-milestone-col-date = 日期
ledger-milestone-col-step = 节点
ledger-milestone-col-state = 完成情况
ledger-campaign-end = 工作期结束日期
ledger-campaign-adjust = 调整
ledger-departments-heading = 各部门台账

## 部门台账

ledger-department-title = { $department }台账
ledger-department-heading = { $department } · 台账
ledger-export-department = 导出本部门台账（Excel）
ledger-department-signoff = 部门台账签字确认
ledger-department-signoff-hint = 本部门立项项目的待批事项。签字绑定台账内容的校验码（SHA-256）。须先由部门主要负责人签字，再由分管旗长签字；签齐后形成基线，签字确认的即为这一版本。此后审批通过或经办公室批准移除的事项按“审批1个核减1个”核减，不影响签字；只有签字内容本身的新增或变更（补录、导入新增的事项，已签事项的完成时限、核查情况等变化）列为“新增/变更，待签认”，由部门主要负责人、分管旗长逐项签认，无需重签整本台账。
ledger-missing-checks-before = 尚有
ledger-missing-checks-after = 项待批事项缺少核查情况（核查清单未反馈或未填写核查情况）
ledger-missing-checks-see-below = ，见下方“尚未反馈的事项”
ledger-missing-checks-end = 。签字前请核对，并确认知悉。
ledger-signed-version = 签字版本：校验码
ledger-signed-sep = ，
ledger-signed-items = 项待批事项，其中已核减
ledger-signed-reduced = 项，剩余
ledger-signed-remaining = 项
ledger-signed-change-sets = （含已签认的新增/变更 { $n } 次）
ledger-signature-valid = 签字有效：与签字版本一致
ledger-changes-heading = 新增/变更，待签认（{ $n } 项）
ledger-changes-capped = 以上只列出前 { $n } 项，共 { $total } 项；全部内容见导出的本部门台账。签认的是全部 { $total } 项。
ledger-changes-later = 以上列出其后的 { $n } 项，共 { $total } 项；签认的是全部 { $total } 项。
ledger-changes-pager = 新增/变更分页
ledger-changes-first = 回到开头
ledger-changes-next = 后续各项
ledger-changes-hint = 以下是签字版本之后，签字内容本身的新增或变更。签认的只是这些新增/变更：部门主要负责人先签认，分管旗长再签认；签认后，原签字与签字版本一致，全旗台账的签字不受影响。
ledger-changes-col-kind = 类别
ledger-changes-col-content = 内容（原 → 现）
ledger-missing-check = 缺核查情况
ledger-change-field = { $field }：
ledger-change-set = 本次签认：{ $n } 项新增/变更，校验码
ledger-change-set-confirmed = 已签认：{ $names }
ledger-confirm-missing = 我已知悉其中 { $n } 项缺少核查情况，仍签认
ledger-confirm-as = 以{ $capacity }身份签认以上 { $n } 项新增/变更（校验码 { $hash }）
ledger-change-sets-heading = 新增/变更签认记录
ledger-cs-col-hash = 签认校验码
ledger-cs-col-changes = 新增/变更
ledger-cs-col-capacity = 签认
ledger-cs-col-signer = 签认人
ledger-confirmed = 已签认
ledger-awaiting-confirmation = 待后续签认
ledger-checklists-heading = 核查清单
ledger-answer-due = 反馈期限
ledger-push = 向各办理部门推送项目清单
ledger-pushed-heading = 本部门推送的清单
ledger-lists-col-answered = 已反馈
ledger-lists-col-missing = 未反馈
ledger-lists-col-overdue = 逾期未反馈
ledger-lists-empty = 尚未推送核查清单。
ledger-unanswered-heading = 尚未反馈的事项
ledger-to-answer-heading = 须本部门反馈的事项
ledger-update = 更新
ledger-answer = 反馈
ledger-to-answer-empty = 暂无须本部门反馈的事项。
ledger-baseline-heading = 基线事项
ledger-baseline-hint = 基线只能因审批通过（审批1个核减1个）或经办公室批准的移除而核减。
ledger-reduce-select-hint = 在下表中选中一个事项，再
ledger-reduce-reason = 核减原因
ledger-reduce-text = 核减理由
ledger-reduce-submit = 对选中事项提出核减
ledger-baseline-col-choose = 选择
ledger-baseline-col-source = 来源
ledger-baseline-addition = 新增
ledger-baseline-signed = 签字台账
ledger-baseline-empty = 尚未形成基线。
ledger-baseline-pager = 基线事项分页
ledger-baseline-pages = 第 { $page } / { $pages } 页，共 { $total } 个事项
ledger-baseline-open = 待办理
ledger-reduction-reason = ：{ $reason }（{ $text }）

## 出错与导出（ledger.rs）

ledger-error-date-format = { $field }格式应为 YYYY-MM-DD
ledger-form-date-end = 日期
ledger-error-read-only = 派驻纪检组为只读权限，不能修改台账
ledger-error-department-signer = 您的角色不能签署部门台账
ledger-error-capacity = 签字身份无效
ledger-error-banner-signer = 只有领导小组办公室可以签署全旗台账
ledger-error-push = 只有立项部门或领导小组办公室可以推送核查清单
ledger-error-answer = 只有办理部门可以反馈核查情况
ledger-error-propose = 您的角色不能提出移除
ledger-error-removal-kind = 移除类型无效
ledger-error-removal-reason = 请选择移除原因
ledger-error-nothing-chosen = 请先在表中选中要核减的事项或项目
ledger-error-decision = 决定无效
ledger-export-file = { $name }台账-{ $date }.xlsx
ledger-export-banner-name = 全旗

## 台账字段（tc("ledger-field", 字段)）

ledger-field-project_code = 项目代码
ledger-field-project_name = 项目名称
ledger-field-owner = 项目单位
ledger-field-initiating_department = 立项部门
ledger-field-item_type = 待批事项
ledger-field-handling_department = 办理部门
ledger-field-check_result = 核查情况
ledger-field-responsible_person = 责任人
ledger-field-acceptance_status = 受理情况
ledger-field-due_on = 完成时限

## 枚举名称

capacity-department_head = 部门主要负责人
capacity-leader = 分管旗长
capacity-office = 领导小组办公室
signature-state-matches = 与签字版本一致
signature-state-changes_pending = 新增/变更，待签认
signature-state-outdated = 与当前台账不一致（台账已变化）
signature-state-broken = 校验失败：签字版本内容被改动
change-kind-added = 新增
change-kind-changed = 变更
change-kind-dropped = 不再列入
answer-state-answered = 已反馈
answer-state-missing = 未反馈
answer-state-overdue = 逾期未反馈
removal-reason-industrial_policy = 不符合产业政策
removal-reason-land_saving = 不符合节约集约用地要求
removal-reason-not_going_ahead = 项目不再实施
removal-reason-other = 其他
removal-kind-project = 移出项目库
removal-kind-item = 核减待批事项
removal-decision-proposed = 待办公室审核
removal-decision-approved = 已批准
removal-decision-rejected = 未批准
reduction-approved = 已审批核减
reduction-removed = 移除核减
name-kind-department = 部门
name-kind-item_type = 审批事项

## Excel 台账导入

import-title = 导入 Excel 台账
import-done = 已导入
import-summary-projects = 项目：新增 { $new }，更新 { $changed }，未变 { $unchanged }；
import-summary-items = 待批事项：新增 { $new }，更新 { $changed }，未变 { $unchanged }；
import-summary-other = 新增项目单位 { $owners }；基线新增 { $additions }。
import-kept-confirmed = 其他部门办理的 { $n } 个事项保持该部门在系统中的反馈，未按表格改写。
import-errors-skipped = 有错误的 { $n } 处所在项目未导入。
import-back = 返回台账
import-check-heading = 检查结果（尚未导入）
import-file-line = 文件“{ $file }”，工作表“{ $sheet }”，表头在第 { $row } 行
import-unit = ，填报单位：{ $unit }
import-dry-run-projects = 可导入 { $projects } 个项目、{ $items } 个待批事项：项目新增 { $new }、更新 { $changed }、未变 { $unchanged }；
import-dry-run-items = 事项新增 { $new }、更新 { $changed }、未变 { $unchanged }。
import-kept-dry-run = 其他部门办理的 { $n } 个事项保持该部门在系统中的反馈，不按表格改写。
import-unknown-heading = 未识别的名称 { $n } 个
import-unknown-hint = 请把每个名称对应到已有的部门或审批事项，只需一次：对应关系保存为本地区的别名，随即重新检查本文件，以后的文件也按它识别。
import-col-kind = 类别
import-col-written = 表格中的写法
import-col-rows = 所在行
import-col-target = 对应到
import-map-label = 把“{ $written }”对应到
import-choose-department = 请选择部门
import-choose-item_type = 请选择审批事项
import-save-alias = 保存别名并重新检查
import-errors-heading = 错误 { $n } 处（所在项目不能导入）
import-warnings-heading = 提示 { $n } 处
import-col-row = 行
import-col-column = 列
import-col-reason = 原因
import-col-note = 说明
import-col-sheet = 工作表
import-busy-confirm = 正在导入，请稍候；大的台账需要几十秒……
import-confirm = 确认导入
import-skip-invalid = 跳过有错误的项目，导入其余 { $n } 个项目
import-or-fix = 或改正后重新上传。
import-upload-heading = 上传文件
import-upload-hint = 支持各部门现用的 .xlsx / .xls 台账：标题行、填报单位行、常见表头写法、合并单元格、各种日期写法均可识别。先检查、后确认，检查时不写入任何数据。
import-upload-own-only = 各部门只能导入本部门立项的项目，其他部门的项目会列为错误。
import-upload-limit = 网页上传上限 20 MB，更大的文件请用命令行
import-busy-upload = 正在上传并检查，请稍候……
import-file-label = Excel 文件
import-upload-submit = 上传并检查
import-rows-more = 等共 { $n } 行
import-did-you-mean = 是否指：{ $names }？
import-refused = 无权导入台账：领导小组办公室可导入全旗台账，各部门可导入本部门立项的项目
import-too-large = 文件过大：网页上传上限为 20 MB，更大的台账请用命令行 qidi import ledger 导入
import-incomplete = 上传不完整，请重新选择文件上传
import-no-file = 请选择要导入的 Excel 文件
import-default-file-name = 台账.xlsx
import-unreadable = 无法读取“{ $file }”：{ $error }
import-cannot-keep = 系统暂时无法保存上传的文件，请稍后再试
import-bad-kind = 名称类别无效：应为部门或审批事项
import-expired = 上传的文件已过期（超过 24 小时未确认）或已导入，请重新上传
import-alias-missing-department = “{ $written }”：请选择要对应的部门
import-alias-missing-item_type = “{ $written }”：请选择要对应的审批事项
import-alias-not-saved = “{ $written }”未能保存为别名：{ $error }
import-has-errors = 台账有 { $n } 处错误，未导入任何内容：请改正后重新上传，或选择只导入无误的项目
import-map-names-refused = 只有领导小组办公室可以保存名称的对应关系（别名）

## 项目库

library-title = 项目库
library-keywords = 关键词
library-keywords-placeholder = 项目代码、名称或项目单位
library-department = 部门
library-all = 全部
library-item-type = 审批事项
library-light = 预警灯
library-year = 立项年度
library-stage = 建设状态
library-filter = 筛选
library-clear = 清除筛选
library-filter-error = 筛选条件有误：{ $error }
library-col-code = 项目代码
library-col-name = 项目名称
library-col-owner = 项目单位
library-col-department = 立项部门
library-col-year = 年度
library-col-investment = 总投资（万元）
library-col-pending = 待批事项
library-none-in-part = 已查找的部分中没有符合条件的项目。
library-none = 没有符合条件的项目。
library-empty = 您的权限范围内暂无项目。
library-first-page = 回到第一页
library-looked-at = 本次查找了 { $n } 个项目，找到 { $found } 个。
library-search-on = 继续查找
library-previous = 上一页
library-next = 下一页
library-page = 第 { $n } 页
library-export-all = 导出项目库（Excel）
library-export-filtered = 导出筛选结果（Excel）
library-export-hint = 导出符合当前筛选条件的全部项目（不只本页），台账格式，最多 { $max } 行
library-export-file = 项目库-{ $date }.xlsx

## 基线事项的筛选与排序（部门台账页）

ledger-baseline-filter-form = 筛选基线事项
ledger-baseline-filter-any = 全部
ledger-baseline-filter-status = 状态
ledger-baseline-filter-status-pending = 未核减
ledger-baseline-filter-status-reduced = 已核减
ledger-baseline-filter-item-type = 待批事项
ledger-baseline-filter-handling = 办理部门
ledger-baseline-filter-source = 来源
ledger-baseline-filter-source-signed = 签字台账
ledger-baseline-filter-source-addition = 后续补录
ledger-baseline-filter-text = 项目
ledger-baseline-filter-text-placeholder = 项目名称或项目代码
ledger-baseline-filter-sort = 排序
ledger-baseline-filter-sort-code = 按项目代码
ledger-baseline-filter-sort-name = 按项目名称
ledger-baseline-filter-sort-item_type = 按待批事项
ledger-baseline-filter-sort-status = 按状态（未核减在前）
ledger-baseline-filter-submit = 筛选
ledger-baseline-filter-clear = 清除筛选
ledger-baseline-filter-count = 共 { $total } 项基线事项，符合条件的 { $n } 项
ledger-baseline-filter-empty = 没有符合筛选条件的基线事项。
ledger-baseline-filter-error = 筛选条件有误：{ $field }“{ $value }”无效，下表显示全部基线事项。
ledger-baseline-filter-field-status = 状态
ledger-baseline-filter-field-source = 来源
ledger-baseline-filter-field-sort = 排序
ledger-baseline-filter-field-baseline_page = 页码
ledger-change-set-confirm-ask = 确认后不能撤回。确认版本 { $hash } 的变更吗？
ledger-sign-confirm = 签认后不能撤回。确定以“{ $capacity }”身份签认版本 { $hash } 吗？
ledger-removal-decide-confirm = 移除决定作出后不能撤回。确定提交吗？
ledger-removal-reason-label = 移除原因
ledger-removal-text-label = 移除理由
ledger-answer-refused = { $project }（{ $item }）的核查结果未保存：{ $reason }
ledger-reading-heading = 正在核算本部门台账
ledger-reading-lines = 已读 { $read } 行，共约 { $lines } 行。
ledger-reading-hint = 台账较大，核算在后台进行，本页其余部分可照常使用；核算完成后将自动显示结果，也可点击
ledger-reading-show = 查看核算结果
ledger-reading-began = 以下为 { $at } 开始核算的结果。
ledger-reading-again = 重新核算
ledger-signing-title = 签字仍在进行
ledger-signing-goes-on = 本部门台账较大，签字仍在后台进行，无需停留在本页，也请勿重复提交。完成后，签字记录将显示在本部门台账页；若台账在此期间有变动，签字不会生效，需重新核对后再签。
ledger-confirming-title = 签认仍在进行
ledger-confirming-goes-on = 本部门台账较大，新增/变更的签认仍在后台进行，无需停留在本页，也请勿重复提交。完成后，签认记录将显示在本部门台账页；若台账在此期间有变动，签认不会生效，需重新核对后再签认。
ledger-signing-back = 返回本部门台账
ledger-busy-sign = 正在签字，台账较大时需要一些时间，请稍候，勿重复提交……
ledger-signing-busy = 本服务器正在处理另一份较大台账的签字，本次签字未开始，请稍候一两分钟再试。
