Attribute VB_Name = "JieshuiRibbon"
' Ribbon callbacks of the jieshui add-in. Each runs Python in jieshui.excel.macros, which acts
' on the active workbook (the add-in itself holds no data and no worksheet functions).
' Keep this file ASCII: the VBA project's code page cannot hold Chinese text.
Option Explicit

Private Sub CallPython(statement As String)
    RunPython "import jieshui.excel.macros as m; m." & statement
End Sub

Sub NewWorkbook(control As IRibbonControl)
    CallPython "new_workbook()"
End Sub

Sub OpenExample(control As IRibbonControl)
    CallPython "open_example()"
End Sub

Sub CheckData(control As IRibbonControl)
    CallPython "check_data(active=True)"
End Sub

Sub RecalculateAll(control As IRibbonControl)
    CallPython "recalculate(active=True)"
End Sub

Sub RefreshCache(control As IRibbonControl)
    CallPython "refresh_cache(active=True)"
End Sub

Sub ExportSubmission(control As IRibbonControl)
    CallPython "export_submission(active=True)"
End Sub

Sub ShowGuide(control As IRibbonControl)
    CallPython "show_guide()"
End Sub

Sub Diagnose(control As IRibbonControl)
    CallPython "diagnose()"
End Sub

Sub SplitUnits(control As IRibbonControl)
    CallPython "split_units(active=True)"
End Sub

Sub MergeUnits(control As IRibbonControl)
    CallPython "merge_units(active=True)"
End Sub

Sub WriteReport(control As IRibbonControl)
    CallPython "write_report(active=True)"
End Sub

Sub IndexEvidence(control As IRibbonControl)
    CallPython "index_evidence(active=True)"
End Sub
