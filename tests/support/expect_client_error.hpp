// Test support: runs `f` and returns the client_error it throws (a test failure when it throws
// none), so that a test can check the error's kind, code and message.
#pragma once

#include <lumen/client/errors.hpp>

#include <gtest/gtest.h>

namespace lumen::test {

template <class F>
client::client_error expect_client_error(F&& f) {
  try {
    f();
  } catch (const client::client_error& e) {
    return e;
  }
  ADD_FAILURE() << "no client_error was thrown";
  return client::client_error(client::error_kind::protocol_error, "none");
}

}  // namespace lumen::test
