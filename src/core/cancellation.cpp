// Cooperative cancellation.
#include <lumen/core/cancellation.hpp>

#include <vector>

namespace lumen::core {

cancellation_registration::~cancellation_registration() { reset(); }

cancellation_registration& cancellation_registration::operator=(cancellation_registration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    key_ = other.key_;
  }
  return *this;
}

void cancellation_registration::reset() noexcept {
  if (!state_) return;
  {
    std::lock_guard lock(state_->mutex);
    state_->callbacks.erase(key_);
  }
  state_.reset();
}

std::string cancellation_token::reason() const {
  std::lock_guard lock(state_->mutex);
  return state_->reason;
}

bool cancellation_token::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->cancelled.load(); });
}

cancellation_registration cancellation_token::on_cancel(std::function<void()> callback) const {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelled.load()) {
      auto key = ++state_->next_callback;
      state_->callbacks.emplace(key, std::move(callback));
      return cancellation_registration(state_, key);
    }
  }
  callback();
  return {};
}

bool cancellation_source::cancel(std::string reason) {
  std::vector<std::function<void()>> to_call;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->cancelled.load()) return false;
    state_->reason = std::move(reason);
    state_->cancelled.store(true, std::memory_order_release);
    for (auto& [key, cb] : state_->callbacks) to_call.push_back(std::move(cb));
    state_->callbacks.clear();
  }
  state_->cv.notify_all();
  for (auto& cb : to_call) cb();
  return true;
}

}  // namespace lumen::core
