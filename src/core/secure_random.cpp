// Secure random bytes through getrandom(2).
#include <lumen/core/secure_random.hpp>

#include <cerrno>
#include <system_error>
#include <sys/random.h>

namespace lumen::core {

void secure_random_fill(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    // Flags 0: block until the kernel's pool is initialised (only ever at early boot), never
    // fall back to a weaker source.
    const ssize_t n = ::getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom: the kernel supplied no secure random bytes");
    }
    filled += static_cast<std::size_t>(n);
  }
}

std::string secure_random_bytes(std::size_t count) {
  std::string out(count, '\0');
  secure_random_fill(std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  return out;
}

}  // namespace lumen::core
