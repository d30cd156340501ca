"""Every button of the county workbook's cover sheet and of the 节水复核 ribbon, in one table.

build.py generates the VBA that the buttons call (workbook_templates/vba/jieshui_macros.bas,
xlwings_addin/JieshuiRibbon.bas) and the ribbon's buttons (xlwings_addin/customUI.xml) from
it, and the builder puts the cover's buttons on the sheet; each Python function is in
jieshui.excel.macros. The table is data, not a decorator on those functions: the builder and
the build read it without importing xlwings (the workbook layer never imports excel).

Adding a button: one entry here and its function in jieshui.excel.macros, then `python build.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

# The ribbon's groups, left to right: {group id: label}.
RIBBON_GROUPS = {"jieshuiWorkbook": "工作簿", "jieshuiData": "数据", "jieshuiSubmit": "报送",
                 "jieshuiUnits": "成员单位", "jieshuiHelp": "帮助"}


@dataclass(frozen=True)
class Ribbon:
    """A button's place and look on the ribbon (customUI.xml's attributes)."""

    group: str  # a key of RIBBON_GROUPS
    id: str  # kept stable: a user's Quick Access Toolbar names the control by it
    image: str  # imageMso: an Office built-in icon
    screentip: str
    size: str = "large"


@dataclass(frozen=True)
class Button:
    """A button: its caption, the VBA Sub it runs (the cover's macro and the ribbon's
    callback share the name), and the function of jieshui.excel.macros that Sub calls."""

    label: str
    sub: str
    function: str
    on_sheet: bool  # on the county workbook's cover sheet
    ribbon: Ribbon | None  # on the ribbon, and where
    # Acts on a county workbook: the one the button is in, or from the ribbon the active one
    # (the function's `active` argument); otherwise it needs none (新建县域工作簿, 使用说明).
    acts_on_workbook: bool = True

    def __post_init__(self) -> None:
        if not (self.on_sheet or self.ribbon):
            raise ValueError(f"button {self.sub} is neither on the sheet nor on the ribbon")
        if self.on_sheet and not self.acts_on_workbook:
            raise ValueError(f"button {self.sub} is on the workbook's sheet, so it acts on that workbook")
        if self.ribbon and self.ribbon.group not in RIBBON_GROUPS:
            raise ValueError(f"button {self.sub}: no ribbon group {self.ribbon.group}")


# In this order on the cover sheet (top to bottom) and within each ribbon group (left to right).
BUTTONS = (
    Button("新建县域工作簿", "NewWorkbook", "new_workbook", False,
           Ribbon("jieshuiWorkbook", "jieshuiNew", "FileNew", "用空白模板新建一个县域复核工作簿"),
           acts_on_workbook=False),
    Button("打开示例", "OpenExample", "open_example", False,
           Ribbon("jieshuiWorkbook", "jieshuiExample", "FileOpen", "打开已填好的示例旗工作簿"),
           acts_on_workbook=False),
    Button("导出报送表", "ExportSubmission", "export_submission", True,
           Ribbon("jieshuiSubmit", "jieshuiExport", "FileSaveAsPdfOrXps", "生成报送用的 .xlsx 和 PDF")),
    Button("检查数据", "CheckData", "check_data", True,
           Ribbon("jieshuiData", "jieshuiCheck", "ReviewCompareMenu", "列出当前工作簿的全部问题及单元格")),
    Button("全部重算", "RecalculateAll", "recalculate", True,
           Ribbon("jieshuiData", "jieshuiRecalc", "CalculateNow", "重新计算当前工作簿的全部公式")),
    Button("重算并保存", "RefreshCache", "refresh_cache", False,
           Ribbon("jieshuiData", "jieshuiRefresh", "Refresh", "全部重算后保存，使 WPS 和预览中显示最新结果")),
    Button("分发填报表", "SplitUnits", "split_units", True,
           Ribbon("jieshuiUnits", "jieshuiSplit", "ExportExcel",
                  "为每个成员单位生成只含其牵头数据的填报表（.xlsx，WPS 可用）")),
    Button("汇总填报表", "MergeUnits", "merge_units", True,
           Ribbon("jieshuiUnits", "jieshuiMerge", "ImportExcel", "选择各单位交回的填报表，检查后汇总到新的工作簿")),
    Button("生成自评报告", "WriteReport", "write_report", True,
           Ribbon("jieshuiSubmit", "jieshuiReport", "FileSaveAsWordDocx", "按工作簿数据生成自评报告初稿（Word）")),
    Button("整理佐证目录", "IndexEvidence", "index_evidence", True,
           Ribbon("jieshuiSubmit", "jieshuiEvidence", "TableOfContentsGallery",
                  "核对佐证台账与佐证材料文件夹，生成带页码的佐证材料目录")),
    Button("使用说明", "ShowGuide", "show_guide", False,
           Ribbon("jieshuiHelp", "jieshuiGuide", "Help", "打开使用说明"), acts_on_workbook=False),
    Button("环境诊断", "Diagnose", "diagnose", False,
           Ribbon("jieshuiHelp", "jieshuiDiagnose", "ZoomPrintPreviewExcel",
                  "显示 Python、xlwings、jieshui 和评价标准版本，可复制给信息化人员"), acts_on_workbook=False),
)
