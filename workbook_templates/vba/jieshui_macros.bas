Attribute VB_Name = "jieshui_macros"
' The county workbook's buttons (on the cover sheet). Each runs Python in jieshui.excel.macros,
' which reads this workbook through xlwings and hands it to the same core as the command line.
' Keep this file ASCII: the VBA project's code page cannot hold Chinese text.
Option Explicit

Sub ExportSubmission()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.export_submission()"
End Sub

Sub CheckData()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.check_data()"
End Sub

Sub RecalculateAll()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.recalculate()"
End Sub

Sub SplitUnits()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.split_units()"
End Sub

Sub MergeUnits()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.merge_units()"
End Sub

Sub WriteReport()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.write_report()"
End Sub

Sub IndexEvidence()
    RunPython "import jieshui.excel.macros; jieshui.excel.macros.index_evidence()"
End Sub
