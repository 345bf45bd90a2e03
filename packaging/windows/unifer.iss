; Inno Setup script for the Windows installer. Build on Windows after PyInstaller:
;   pyinstaller --noconfirm --distpath dist packaging\unifer.spec
;   iscc packaging\windows\unifer.iss
; Not built in CI (no Windows machine there); keep it in step with unifer.spec.

#define AppName "UniFER"
#define AppVersion "0.1.0"

[Setup]
AppId={{5B0F7E3A-4E51-4C3B-9B57-0F3C3B9D1E21}
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=UniFER-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "autostart"; Description: "Start UniFER when I sign in to Windows"; Flags: unchecked

[Files]
Source: "..\..\dist\unifer\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\unifer.exe"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{userstartup}\{#AppName}"; Filename: "{app}\unifer.exe"; Tasks: autostart

[Run]
Filename: "{app}\unifer.exe"; Description: "Start UniFER now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop a running tray before its files are removed.
Filename: "{app}\unifer.exe"; Parameters: "--trigger quit"; Flags: runhidden; RunOnceId: "StopTray"

[Code]
// Offer to remove the history and its key in Windows Credential Manager; the app's own
// command destroys the key first, then deletes the files.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  ResultCode: Integer;
begin
  if CurUninstallStep = usUninstall then
    if MsgBox('Also delete your UniFER history and its encryption key?', mbConfirmation, MB_YESNO) = IDYES then
      Exec(ExpandConstant('{app}\unifer.exe'), 'history disable --delete --yes', '', SW_HIDE,
           ewWaitUntilTerminated, ResultCode);
end;
