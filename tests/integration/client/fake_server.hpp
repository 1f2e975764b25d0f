// Test support: a deliberately bad MCP server over stdio. The test program runs itself as the
// server when LUMEN_FAKE_SERVER is set (see fake_server.cpp); the variable picks the misbehaviour.
#pragma once

#include <string>
#include <vector>

namespace lumen::test {

/// The command that starts this test program as a fake server.
std::vector<std::string> fake_server_command();

}  // namespace lumen::test
