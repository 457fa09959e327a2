// shell_quote.h: quoting a word for a POSIX shell, for the reproduce commands leasesim prints.
//
// Contract: shell_quote(w) returns w unchanged when it holds only characters no shell treats
// specially (letters, digits and _ @ % + = : , . / -) and is not empty; otherwise w wrapped in
// single quotes, each ' inside written as '\''. Pasting the result runs nothing: a file named
// "$(rm -rf ~).yaml" comes out as '$(rm -rf ~).yaml'. Leaves out: shells that are not POSIX
// (cmd.exe, PowerShell).
#pragma once

#include <string>
#include <string_view>

namespace leasesim {

std::string shell_quote(std::string_view word);

}  // namespace leasesim
