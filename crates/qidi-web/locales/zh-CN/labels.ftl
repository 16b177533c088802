# 多个页面共用的代码名称：tc("light", code) 等。
light-green = 绿灯
light-yellow = 黄灯
light-red = 红灯
report-stage-due = 即将到期
report-stage-overdue = 已逾期
stage-not_started = 未开工
stage-under_construction = 在建
