//! The demo banner: about 465 fictional projects with owners and pending items, and one
//! account per role. Loaded once; the passwords are returned to be printed once.

use crate::events::{append, NewEvent};
use crate::password::{hash_password, random_password_for};
use crate::{new_id, now_text, Store, StoreError};
use qidi_core::catalogue::{DEPARTMENTS, ITEM_TYPES};
use qidi_core::{RegionCode, Role};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

pub const DEMO_PROJECTS: usize = 465;

/// An account made for the demo, with its one-time password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub unit: String,
    pub password: String,
}

pub(crate) const PLACES: &[&str] = &[
    "明安图",
    "宝绍岱",
    "乌兰查布",
    "伊和淖尔",
    "星耀",
    "巴彦",
    "哈夏图",
    "沙布台",
    "塔木沁",
    "白音",
    "查干",
    "浩特",
    "额尔敦",
    "阿拉坦",
    "乌宁巴图",
    "那日图",
    "宝力根",
    "敖包",
    "锡林",
    "恩格尔",
];
pub(crate) const WORKS: &[(&str, &str)] = &[
    ("风电场", "44"),
    ("光伏电站", "44"),
    ("储能电站", "44"),
    ("牧区饮水安全工程", "76"),
    ("标准化养殖基地", "03"),
    ("乳制品加工厂", "14"),
    ("农畜产品冷链物流园", "59"),
    ("旅游公路", "48"),
    ("乡村振兴产业园", "72"),
    ("污水处理厂", "46"),
    ("集中供热改造工程", "44"),
    ("保障性住房", "70"),
    ("草原生态修复工程", "77"),
    ("天文科普基地", "73"),
    ("矿泉水生产线", "15"),
    ("物流仓储中心", "59"),
];
pub(crate) const OWNER_KINDS: &[&str] = &[
    "能源有限公司",
    "新能源开发有限公司",
    "农牧业发展有限公司",
    "建设投资有限公司",
    "文化旅游有限公司",
    "食品有限公司",
];
const OWNER_WORDS: &[&str] =
    &["锡林", "白旗", "明安", "绿野", "草原", "正白", "察哈尔", "浩瀚", "天骄", "金穗", "云杉", "北疆"];
pub(crate) const PEOPLE: &[&str] =
    &["王海", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "孙丽", "乌兰", "巴特尔", "其其格", "额尔德尼"];

impl Store {
    /// Whether the demo banner has been loaded.
    pub async fn demo_loaded(&self) -> Result<bool, StoreError> {
        Ok(self.meta("demo_loaded").await?.is_some())
    }

    /// Load the demo banner into `region` once. Returns the accounts made, or an empty
    /// list when the demo was already there. All of it is one transaction.
    pub async fn load_demo(&self, region: &RegionCode) -> Result<Vec<DemoAccount>, StoreError> {
        self.seed_catalogue(region).await?;
        if self.demo_loaded().await? {
            return Ok(Vec::new());
        }
        let mut rng = StdRng::seed_from_u64(152529);
        let rc = region.as_str();
        let now = now_text();
        let mut tx = self.begin_write().await?;

        let mut dept_ids = std::collections::HashMap::new();
        for r in
            sqlx::query("SELECT code, id FROM departments WHERE region_code = $1").bind(rc).fetch_all(&mut *tx).await?
        {
            dept_ids.insert(r.get::<String, _>(0), r.get::<String, _>(1));
        }
        let mut type_ids = std::collections::HashMap::new();
        for r in sqlx::query("SELECT code, id, department_id FROM item_types WHERE region_code = $1")
            .bind(rc)
            .fetch_all(&mut *tx)
            .await?
        {
            type_ids.insert(r.get::<String, _>(0), (r.get::<String, _>(1), r.get::<String, _>(2)));
        }
        let dept =
            |code: &str| dept_ids.get(code).cloned().ok_or_else(|| StoreError::NotFound(format!("department {code}")));

        let mut owners = Vec::new();
        for i in 0..60 {
            let name = format!(
                "{}{}{}",
                OWNER_WORDS[i % OWNER_WORDS.len()],
                ["", "恒泰", "宏远", "盛达", "兴源"][i / OWNER_WORDS.len() % 5],
                OWNER_KINDS[i % OWNER_KINDS.len()]
            );
            let id = new_id();
            sqlx::query("INSERT INTO owners (id, region_code, name) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(rc)
                .bind(&name)
                .execute(&mut *tx)
                .await?;
            owners.push((id, name));
        }

        let initiators: Vec<&str> = DEPARTMENTS.iter().filter(|d| d.initiates).map(|d| d.code).collect();
        for n in 0..DEMO_PROJECTS {
            let year = 2016 + (n % 7) as i64;
            let place = PLACES[rng.gen_range(0..PLACES.len())];
            let (work, industry) = WORKS[rng.gen_range(0..WORKS.len())];
            let name = format!("正镶白旗{place}{work}项目（{}期）", ["一", "二", "三"][n % 3]);
            let code = format!("{year}-{rc}-{industry}-0{}-{:06}", 1 + n % 3, 10_000 + n * 37);
            let initiator = if n % 5 == 4 { initiators[1 + n % (initiators.len() - 1)] } else { initiators[0] };
            let (owner_id, _) = &owners[rng.gen_range(0..owners.len())];
            let pid = new_id();
            sqlx::query(
                "INSERT INTO projects (id, region_code, code, name, owner_id, initiating_department_id, initiated_year, investment_yuan, stage, in_library, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $10)",
            )
            .bind(&pid)
            .bind(rc)
            .bind(&code)
            .bind(&name)
            .bind(owner_id)
            .bind(dept(initiator)?)
            .bind(year)
            .bind(rng.gen_range(50..200_000i64) * 10_000 / 10 * 10)
            .bind(if rng.gen_bool(0.3) { "under_construction" } else { "not_started" })
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            let count = rng.gen_range(1..=4usize);
            let start = rng.gen_range(0..ITEM_TYPES.len());
            for k in 0..count {
                let t = &ITEM_TYPES[(start + k * 3) % ITEM_TYPES.len()];
                let (type_id, handling) = &type_ids[t.code];
                sqlx::query(
                    "INSERT INTO pending_items (id, region_code, project_id, item_type_id, handling_department_id, status, responsible_person, created_at)
                     VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) ON CONFLICT (project_id, item_type_id) DO NOTHING",
                )
                .bind(new_id())
                .bind(rc)
                .bind(&pid)
                .bind(type_id)
                .bind(handling)
                .bind(PEOPLE[rng.gen_range(0..PEOPLE.len())])
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
        }

        // Every initiating department has a head to sign its ledger.
        let plan: [(&str, &str, Role, Option<&str>, bool); 15] = [
            ("admin", "系统管理员", Role::Admin, None, false),
            ("security", "安全管理员", Role::SecurityAdmin, None, false),
            ("auditor", "审计管理员", Role::AuditAdmin, None, false),
            ("office", "旗发改委 大起底办公室", Role::Office, Some("fgw"), false),
            ("leader", "分管旗长", Role::Leader, None, false),
            ("inspector", "派驻纪检组", Role::Inspector, None, false),
            ("fgw_head", "旗发改委 主任", Role::DepartmentHead, Some("fgw"), false),
            ("gxj_head", "旗工信局 局长", Role::DepartmentHead, Some("gxj"), false),
            ("mat_head", "旗明安图产业园办公室 主任", Role::DepartmentHead, Some("mat"), false),
            ("zrzy_handler", "旗自然资源局 经办人", Role::Handler, Some("zrzy"), false),
            ("slj_handler", "旗水利局 经办人", Role::Handler, Some("slj"), false),
            ("sthj_handler", "旗生态环境分局 经办人", Role::Handler, Some("sthj"), false),
            ("zjj_handler", "旗住建局 经办人", Role::Handler, Some("zjj"), false),
            ("lcj_handler", "旗林草局 经办人", Role::Handler, Some("lcj"), false),
            ("applicant", "项目单位", Role::Applicant, None, true),
        ];
        let mut accounts = Vec::new();
        for (username, display, role, dcode, is_owner) in plan {
            let password = random_password_for(username);
            let department_id = match dcode {
                Some(c) => Some(dept(c)?),
                None => None,
            };
            let owner = is_owner.then(|| owners[0].clone());
            let id = new_id();
            let res = sqlx::query(
                "INSERT INTO users (id, region_code, username, display_name, role, department_id, owner_id, password_hash, must_change_password, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9) ON CONFLICT (username) DO NOTHING",
            )
            .bind(&id)
            .bind(rc)
            .bind(username)
            .bind(display)
            .bind(role.as_str())
            .bind(&department_id)
            .bind(owner.as_ref().map(|o| o.0.clone()))
            .bind(hash_password(&password))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            // An account of that name already exists (made by hand): keep it.
            if res.rows_affected() == 0 {
                continue;
            }
            let unit = owner
                .map(|o| o.1)
                .or_else(|| dcode.and_then(|c| DEPARTMENTS.iter().find(|d| d.code == c).map(|d| d.name.to_string())));
            accounts.push(DemoAccount { username: username.into(), role, unit: unit.unwrap_or_default(), password });
        }
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo_loaded', $1)")
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &NewEvent {
                region_code: rc.into(),
                action: "demo.load".into(),
                object_type: "region".into(),
                object_id: Some(rc.into()),
                payload: serde_json::json!({ "projects": DEMO_PROJECTS, "accounts": accounts.len() }),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(accounts)
    }
}
