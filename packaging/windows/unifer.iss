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
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The tray holds this mutex (tray/instance.py): setup and uninstall wait until it has quit.
AppMutex=Local\unifer-tray
UninstallDisplayIcon={app}\UniFER.exe
; Signing (SmartScreen warns about unsigned installers): iscc /DSign "/Ssigntool=signtool sign /a /fd sha256 /tr http://timestamp.digicert.com /td sha256 $f"
#ifdef Sign
SignTool=signtool
#endif

[Tasks]
Name: "autostart"; Description: "Start UniFER when I sign in to Windows"; Flags: unchecked

[Files]
Source: "..\..\dist\unifer\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
; UniFER.exe is the windowed tray; unifer.exe is the command line (it needs a console).
Name: "{group}\{#AppName}"; Filename: "{app}\UniFER.exe"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{userstartup}\{#AppName}"; Filename: "{app}\UniFER.exe"; Tasks: autostart

[Run]
Filename: "{app}\UniFER.exe"; Description: "Start UniFER now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Ask a running tray to quit; AppMutex above then waits until it has.
Filename: "{app}\UniFER.exe"; Parameters: "--trigger quit"; Flags: runhidden; RunOnceId: "StopTray"

[Registry]
; desktop-notifier registers the app for toast notifications under this key: removed on uninstall
Root: HKCU; Subkey: "Software\Classes\AppUserModelId\{#AppName}"; Flags: uninsdeletekey
; "Open with > UniFER" for photos and videos: the tray (or, if none runs, the window alone) shows them
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\UniFER.exe"" --open ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".jpg"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.jpg\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".jpeg"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.jpeg\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".png"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.png\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".webp"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.webp\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".bmp"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.bmp\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".gif"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.gif\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".tif"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.tif\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".tiff"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.tiff\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".mp4"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.mp4\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".mov"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.mov\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".avi"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.avi\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".mkv"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.mkv\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\UniFER.exe\SupportedTypes"; ValueType: string; ValueName: ".webm"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\.webm\OpenWithList\UniFER.exe"; ValueType: none; Flags: uninsdeletekey

[UninstallDelete]
; desktop-notifier's registration for toast notifications
Type: filesandordirs; Name: "{localappdata}\unifer-tray\Cache"

[Code]
// Offer to remove the history and its key in Windows Credential Manager; the app's own
// command destroys the key first, then deletes the files.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  ResultCode: Integer;
begin
  // A silent uninstall keeps the history: deleting it is the user's choice, never a default.
  if (CurUninstallStep = usUninstall) and not UninstallSilent then
    if MsgBox('Also delete your UniFER history and its encryption key?', mbConfirmation, MB_YESNO) = IDYES then
      Exec(ExpandConstant('{app}\unifer.exe'), 'history disable --delete --yes', '', SW_HIDE,
           ewWaitUntilTerminated, ResultCode);
end;
