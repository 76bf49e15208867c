#!/bin/sh
# Adds Business Orchestrator to your applications menu (for you only; no root needed).
# The program stays in this folder: run this again after moving the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case "$here" in *\\*) echo "Please move this folder to a path without a backslash first." >&2; exit 1 ;; esac
share="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$share/applications" "$share/icons/hicolor/256x256/apps"
cp "$here/business-orchestrator.png" "$share/icons/hicolor/256x256/apps/business-orchestrator.png"
# Exec is quoted per the Desktop Entry spec: " ` $ get a backslash, itself escaped as \\ in the file.
program=$(printf '%s' "$here/business-orchestrator" | sed 's/["`$]/\\\\&/g; s/%/%%/g')
EXEC="\"$program\"" awk '/^Exec=/ { print "Exec=" ENVIRON["EXEC"]; next } { print }' \
    "$here/business-orchestrator.desktop" > "$share/applications/business-orchestrator.desktop"
echo "Added to the applications menu: $share/applications/business-orchestrator.desktop"
