; Inno Setup script for the Windows installer, built from the PyInstaller
; bundle in dist\softphone (see packaging/README.md):
;   iscc /DAppVersion=0.1.0 packaging\windows\softphone.iss
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Softphone"
#define AppExe "softphone.exe"
; Must match the AppUserModelID the app sets on itself, so notifications and
; the taskbar say "Softphone", not "Python".
#define AppUserModelID "ua.mediatel.softphone"

[Setup]
AppId={{6F0B0C57-7C61-4E0E-9B8A-2D8D6C0E5A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=softphone
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=softphone-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
UninstallDisplayIcon={app}\{#AppExe}
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "autostart"; Description: "Start Softphone when I sign in to Windows"; GroupDescription: "Start-up:"
Name: "telhandler"; Description: "Open tel: and sip: links with Softphone"; GroupDescription: "Links:"

[Files]
Source: "..\..\dist\softphone\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"
Name: "{group}\{#AppName} self-test"; Filename: "{app}\{#AppExe}"; Parameters: "--self-test"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon; AppUserModelID: "{#AppUserModelID}"

[Registry]
; Autostart, minimised to the tray.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"" --minimized"; Flags: uninsdeletevalue; Tasks: autostart
; tel: and sip: URL handlers (click-to-dial from a CRM page).
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:Telephone number"; Flags: uninsdeletekey; Tasks: telhandler
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: telhandler
Root: HKCU; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: telhandler
Root: HKCU; Subkey: "Software\Classes\sip"; ValueType: string; ValueName: ""; ValueData: "URL:SIP address"; Flags: uninsdeletekey; Tasks: telhandler
Root: HKCU; Subkey: "Software\Classes\sip"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: telhandler
Root: HKCU; Subkey: "Software\Classes\sip\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: telhandler

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
