//! Errors that make a whole file unusable. Problems with single rows are
//! [`RowIssue`](crate::RowIssue)s, not errors.
//!
//! Every message is Chinese and safe to show to the person who uploaded the file:
//! it names the problem, never a path inside the program or a library's wording.
//! The library's own wording, where there is one, is kept in `detail` for logs.
//! Each names a catalogue key ([`Explain`]), so a page words it in its reader's language.

use qidi_core::sentence::{Arg, Explain, Sentence};

/// Why a workbook could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Whoever asked for the reading has gone ([`Cancel`](crate::Cancel)).
    #[error("导入已取消：上传请求已结束")]
    Cancelled,

    /// The file could not be opened or read from disk.
    #[error("无法读取文件：读写出错")]
    Io,

    /// The file does not exist.
    #[error("无法读取文件：文件不存在")]
    FileNotFound,

    /// The file may not be read.
    #[error("无法读取文件：没有读取权限")]
    PermissionDenied,

    /// Every place for reading an upload is taken (the server's import gate).
    #[error("无法读取文件：服务器正在处理其他台账导入，请稍后再试")]
    Busy,

    /// The region's department and item type names could not be loaded to read the file by.
    #[error("无法读取文件：系统暂时无法读取部门目录")]
    NamesUnavailable,

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

    /// The header-name mapping file could not be read: why, as a keyed sentence whose
    /// other languages word the whole message.
    #[error("表头映射文件无效：{0}")]
    HeaderMap(Sentence),

    /// More rows than one Excel sheet holds.
    #[error("数据行数超过 Excel 单个工作表的上限（1,048,576 行）")]
    TooManyRows,

    /// A cell's text is longer than Excel allows.
    #[error("生成 Excel 文件失败：有单元格文本超过 32,767 个字符")]
    CellTooLong,

    /// The file being written could not be written (disk full, no permission).
    #[error("生成 Excel 文件失败：写入文件出错（磁盘已满或没有写权限？）")]
    WriteIo,

    /// The workbook just written is not laid out as expected when its merges are added.
    #[error("生成 Excel 文件失败：添加合并单元格时出错：生成的工作簿结构不符合预期")]
    MergeLayout,

    /// Writing the workbook failed; `detail` is the library's wording.
    #[error("生成 Excel 文件失败：{detail}")]
    Write { detail: String },
}

impl Explain for OfficeError {
    fn key(&self) -> &'static str {
        match self {
            OfficeError::Cancelled => "err-import-cancelled",
            OfficeError::Io => "err-import-read-failed",
            OfficeError::FileNotFound => "err-import-file-not-found",
            OfficeError::PermissionDenied => "err-import-permission-denied",
            OfficeError::Busy => "err-import-busy",
            OfficeError::NamesUnavailable => "err-import-names-unavailable",
            OfficeError::FileTooLarge { .. } => "err-import-file-too-large",
            OfficeError::NotExcel => "err-import-not-excel",
            OfficeError::Corrupt { .. } => "err-import-corrupt",
            OfficeError::Encrypted => "err-import-encrypted",
            OfficeError::TooManyEntries { .. } => "err-import-too-many-entries",
            OfficeError::Uncompressed { .. } => "err-import-uncompressed-too-large",
            OfficeError::SharedStrings { .. } => "err-import-shared-strings-too-large",
            OfficeError::CompressionRatio { .. } => "err-import-compression-ratio",
            OfficeError::ForbiddenXml { .. } => "err-import-forbidden-xml",
            OfficeError::NoSheet => "err-import-no-sheet",
            OfficeError::SheetNotFound(_) => "err-import-sheet-not-found",
            OfficeError::NoHeader { .. } => "err-import-no-header",
            OfficeError::HeaderMap(s) => s.key.unwrap_or("err-import-header-map-invalid"),
            OfficeError::TooManyRows => "err-export-too-many-rows",
            OfficeError::CellTooLong => "err-export-cell-too-long",
            OfficeError::WriteIo => "err-export-write-io",
            OfficeError::MergeLayout => "err-export-merge-layout",
            OfficeError::Write { .. } => "err-export-write-failed",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            OfficeError::FileTooLarge { size, max } => vec![("size", (*size).into()), ("max", (*max).into())],
            OfficeError::TooManyEntries { count, max } => vec![("count", (*count).into()), ("max", (*max).into())],
            OfficeError::Uncompressed { max } | OfficeError::SharedStrings { max } => vec![("max", (*max).into())],
            OfficeError::CompressionRatio { entry, max_ratio } => {
                vec![("entry", entry.into()), ("max_ratio", (*max_ratio).into())]
            }
            OfficeError::ForbiddenXml { entry } => vec![("entry", entry.into())],
            OfficeError::SheetNotFound(sheet) => vec![("sheet", sheet.into())],
            OfficeError::NoHeader { rows } => vec![("rows", (*rows).into())],
            // A sentence without a key (none is built so) is shown whole as the detail.
            OfficeError::HeaderMap(s) if s.key.is_none() => vec![("detail", s.text.as_str().into())],
            OfficeError::HeaderMap(s) => s.args.clone(),
            OfficeError::Write { detail } => vec![("detail", detail.into())],
            _ => Vec::new(),
        }
    }
}

impl OfficeError {
    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        OfficeError::Corrupt { detail: detail.to_string() }
    }
}

impl From<std::io::Error> for OfficeError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => OfficeError::FileNotFound,
            std::io::ErrorKind::PermissionDenied => OfficeError::PermissionDenied,
            _ => OfficeError::Io,
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for OfficeError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        match e {
            rust_xlsxwriter::XlsxError::RowColumnLimitError => OfficeError::TooManyRows,
            rust_xlsxwriter::XlsxError::MaxStringLengthExceeded => OfficeError::CellTooLong,
            rust_xlsxwriter::XlsxError::IoError(_) => OfficeError::WriteIo,
            other => OfficeError::Write { detail: other.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_error_keeps_its_chinese_and_names_its_key() {
        let s = OfficeError::FileTooLarge { size: 30, max: 20 }.sentence();
        assert_eq!(s.text, "文件过大（30 字节），上限为 20 字节");
        assert_eq!(s.key, Some("err-import-file-too-large"));
        assert_eq!(s.args, vec![("size", Arg::Number(30)), ("max", Arg::Number(20))]);
        // A mapping file's error is worded whole by its reason's key.
        let e = crate::HeaderMap::from_json("[1]").unwrap_err();
        let s = e.sentence();
        assert_eq!(s.text, "表头映射文件无效：应为“表头: 字段”的对象");
        assert_eq!(s.key, Some("err-import-header-map-not-object"));
        let io = OfficeError::from(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!((io.to_string().as_str(), io.key()), ("无法读取文件：文件不存在", "err-import-file-not-found"));
    }
}
