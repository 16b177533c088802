//! Errors that make a whole file unusable. Problems with single rows are
//! [`RowIssue`](crate::RowIssue)s, not errors.
//!
//! Every message is Chinese and safe to show to the person who uploaded the file:
//! it names the problem, never a path inside the program or a library's wording.
//! The library's own wording, where there is one, is kept in `detail` for logs.

/// Why a workbook could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Whoever asked for the reading has gone ([`Cancel`](crate::Cancel)).
    #[error("导入已取消：上传请求已结束")]
    Cancelled,

    /// The file could not be opened or read from disk.
    #[error("无法读取文件：{detail}")]
    Io { detail: String },

    /// The file is bigger than [`ArchiveLimits::max_file_bytes`](crate::ArchiveLimits).
    #[error("文件过大（{size} 字节），上限为 {max} 字节")]
    FileTooLarge { size: u64, max: u64 },

    /// Neither an .xlsx (zip) nor an .xls (compound document).
    #[error("文件不是 Excel 工作簿：请上传 .xlsx 或 .xls 文件")]
    NotExcel,

    /// A zip or compound file that cannot be read as a workbook.
    #[error("文件已损坏或不完整，无法作为 Excel 工作簿读取，请在 Excel 中打开后另存为 .xlsx 再上传")]
    Corrupt { detail: String },

    /// A password-protected workbook.
    #[error("文件设置了打开密码，请取消密码后再上传")]
    Encrypted,

    /// More zip entries than [`ArchiveLimits::max_entries`](crate::ArchiveLimits).
    #[error("文件内部条目过多（{count} 个，上限 {max} 个），已拒绝")]
    TooManyEntries { count: usize, max: usize },

    /// Declared or real decompressed size above the cap.
    #[error("文件解压后过大（超过 {max} 字节），疑似压缩炸弹，已拒绝")]
    Uncompressed { max: u64 },

    /// The shared strings decompress to more than the cap.
    #[error(
        "文件中的文字内容解压后过大（超过 {max} 字节），无法安全读取，已拒绝；请删除无关的工作表或拆分文件后再上传"
    )]
    SharedStrings { max: u64 },

    /// One entry decompresses to far more than its compressed size.
    #[error("文件内部条目“{entry}”压缩比异常（超过 {max_ratio}:1），疑似压缩炸弹，已拒绝")]
    CompressionRatio { entry: String, max_ratio: u64 },

    /// An XML part declares a document type or entities (billion laughs, external entities).
    #[error("文件内部条目“{entry}”含有不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝")]
    ForbiddenXml { entry: String },

    /// The workbook has no worksheet with data.
    #[error("工作簿中没有可读取的工作表")]
    NoSheet,

    /// A sheet named in the options does not exist.
    #[error("工作簿中没有名为“{0}”的工作表")]
    SheetNotFound(String),

    /// No row in the first rows of any sheet looks like the ledger header.
    #[error("未找到表头：前 {rows} 行中没有同时含“项目代码”和“项目名称”（或其常见写法）的一行")]
    NoHeader { rows: u32 },

    /// The header-name mapping file could not be read.
    #[error("表头映射文件无效：{0}")]
    HeaderMap(String),

    /// More rows than one Excel sheet holds.
    #[error("数据行数超过 Excel 单个工作表的上限（1,048,576 行）")]
    TooManyRows,

    /// Writing the workbook failed.
    #[error("生成 Excel 文件失败：{detail}")]
    Write { detail: String },
}

impl OfficeError {
    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        OfficeError::Corrupt { detail: detail.to_string() }
    }
}

impl From<std::io::Error> for OfficeError {
    fn from(e: std::io::Error) -> Self {
        let detail = match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在".to_string(),
            std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
            _ => "读写出错".to_string(),
        };
        OfficeError::Io { detail }
    }
}

impl From<rust_xlsxwriter::XlsxError> for OfficeError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        match e {
            rust_xlsxwriter::XlsxError::RowColumnLimitError => OfficeError::TooManyRows,
            rust_xlsxwriter::XlsxError::MaxStringLengthExceeded => {
                OfficeError::Write { detail: "有单元格文本超过 32,767 个字符".to_string() }
            }
            rust_xlsxwriter::XlsxError::IoError(_) => {
                OfficeError::Write { detail: "写入文件出错（磁盘已满或没有写权限？）".to_string() }
            }
            other => OfficeError::Write { detail: other.to_string() },
        }
    }
}
