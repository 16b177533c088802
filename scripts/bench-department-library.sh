#!/bin/bash
# Region scale (BENCHMARKS.md, fifth round): the first page of a department's own library by the
# SQL before migration 0031 (the scope as an IN list, ordered by the projects' key) and by the
# SQL since (the scope's own key index), alternately, on one kept SQLite database.
# Usage: scripts/bench-department-library.sh DB.sqlite DEPARTMENT_ID
#   (a database kept by QIDI_BENCH_KEEP=DIR scripts/bench-scale.sh … 1000000)
DB=$1; DEPT=$2
COLS="p.id, p.region_code, p.code, p.name, o.name, d.name, p.initiated_year, p.investment_yuan, p.stage, p.in_library, (SELECT COUNT(*) FROM pending_items c WHERE c.project_id = p.id AND c.status = 'pending'), p.initiating_department_id"
JOINS="LEFT JOIN owners o ON o.id = p.owner_id LEFT JOIN departments d ON d.id = p.initiating_department_id"
OLD="SELECT $COLS FROM projects p $JOINS WHERE (p.region_code, p.code) > ('', '') AND p.id IN (SELECT sp.id FROM projects sp WHERE sp.region_code = (SELECT dr.region_code FROM departments dr WHERE dr.id = '$DEPT') AND sp.initiating_department_id = '$DEPT' UNION SELECT si.project_id FROM pending_items si WHERE si.region_code = (SELECT dr.region_code FROM departments dr WHERE dr.id = '$DEPT') AND si.handling_department_id = '$DEPT') ORDER BY p.region_code ASC, p.code ASC LIMIT 51"
NEW="SELECT $COLS FROM scope_projects k JOIN projects p ON p.id = k.project_id $JOINS WHERE (k.department_id, k.region_code, k.code) > ('$DEPT', '', '') AND k.department_id = '$DEPT' ORDER BY k.department_id ASC, k.region_code ASC, k.code ASC LIMIT 51"
for round in 1 2 3; do
  for q in OLD NEW; do
    sql=${!q}
    s=$(date +%s.%N); n=$(sqlite3 "$DB" "$sql" | wc -l); e=$(date +%s.%N)
    echo "$q round $round: $n rows, $(echo "($e - $s) * 1000" | bc -l | cut -c1-7) ms"
  done
done
echo "scope size: $(sqlite3 "$DB" "SELECT COUNT(*) FROM scope_projects WHERE department_id = '$DEPT'")"
