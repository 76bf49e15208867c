; Inno Setup script: turns the one-folder build (dist\business-orchestrator, from scripts/build on
; Windows) into BusinessOrchestrator-Setup-VERSION.exe. Build it with: iscc installer\windows.iss
; Per-user install (no admin rights); the version comes from the executable's version resource.

#define AppName "Business Orchestrator"
#define AppExe "business-orchestrator.exe"
#define Build "..\dist\business-orchestrator"
#define AppVersion GetVersionNumbersString(Build + "\" + AppExe)

[Setup]
AppId={{6F1C2B7E-3D4A-4E8B-9C55-B0E0A5D1C2F4}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=BusinessOrchestrator-Setup-{#AppVersion}
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes

[Tasks]
Name: "startatlogin"; Description: "Start {#AppName} when I log in"; Flags: unchecked

[Files]
Source: "{#Build}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"

[Registry]
; The same value the app's own "Start at login" switch writes (desktop_app/autostart.py), so both agree.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
    ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Tasks: startatlogin; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent
