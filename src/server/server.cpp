// Server registries, worker pool, sessions and broadcasts.
#include <lumen/server/server.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>

namespace lumen::server {

struct server::worker_pool {
  explicit worker_pool(std::size_t threads) : pool(threads) {}
  boost::asio::thread_pool pool;
};

server::server(protocol::implementation info, server_options options)
    : info_(std::move(info)), options_(std::move(options)) {}

server::~server() { shutdown(); }

void server::post(std::function<void()> job) {
  if (options_.worker_threads == 0) return job();  // handlers run where their request arrived
  worker_pool* workers = workers_.load(std::memory_order_acquire);
  if (!workers) {
    std::lock_guard lock(pool_mutex_);
    if (!pool_ && !pool_closed_) {
      pool_ = std::make_unique<worker_pool>(options_.worker_threads);
      workers_.store(pool_.get(), std::memory_order_release);
    }
    workers = pool_closed_ ? nullptr : pool_.get();
  }
  // After shutdown no thread starts: a late job (from a session connected afterwards) runs here.
  if (!workers) return job();
  boost::asio::post(workers->pool, std::move(job));
}

json::object server::capabilities() const {
  const declared_capabilities& always = options_.always_declare;
  std::shared_lock lock(registry_mutex_);
  auto has_completers = [](const auto& entries) {
    return std::any_of(entries.begin(), entries.end(), [](const auto& e) { return !e->completers.empty(); });
  };
  json::object caps;
  if (always.tools || !tools_.empty()) caps.emplace("tools", json::object{{"listChanged", true}});
  if (always.resources || !resources_.empty() || !templates_.empty()) {
    caps.emplace("resources", json::object{{"subscribe", true}, {"listChanged", true}});
  }
  if (always.prompts || !prompts_.empty()) caps.emplace("prompts", json::object{{"listChanged", true}});
  // Not tied to a registration: any handler may log, and logging/setLevel is always served.
  caps.emplace("logging", json::object{});
  if (always.completions || has_completers(prompts_) || has_completers(templates_)) {
    caps.emplace("completions", json::object{});
  }
  return caps;
}

namespace {
template <class Entries, class Key>
bool erase_by(Entries& entries, Key key) {
  auto it = std::find_if(entries.begin(), entries.end(), key);
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

template <class Entries, class Entry, class Key>
void insert_or_replace(Entries& entries, std::shared_ptr<const Entry> entry, Key key) {
  auto it = std::find_if(entries.begin(), entries.end(), key);
  if (it != entries.end()) {
    *it = std::move(entry);
  } else {
    entries.push_back(std::move(entry));
  }
}
}  // namespace

void server::add_tool(protocol::tool_definition definition, tool_handler handler) {
  if (definition.name.empty()) throw std::invalid_argument("add_tool: a tool needs a name");
  if (!handler) throw std::invalid_argument("add_tool: tool \"" + definition.name + "\" has no handler");
  {
    std::unique_lock lock(registry_mutex_);
    std::string name = definition.name;
    insert_or_replace(tools_, std::make_shared<const tool_entry>(tool_entry{std::move(definition), std::move(handler)}),
                      [&](const auto& e) { return e->definition.name == name; });
  }
  notify("notifications/tools/list_changed");
}

bool server::remove_tool(const std::string& name) {
  bool removed = false;
  {
    std::unique_lock lock(registry_mutex_);
    removed = erase_by(tools_, [&](const auto& e) { return e->definition.name == name; });
  }
  if (removed) notify("notifications/tools/list_changed");
  return removed;
}

void server::add_resource(protocol::resource_definition definition, resource_reader reader) {
  if (definition.uri.empty()) throw std::invalid_argument("add_resource: a resource needs a uri");
  if (!reader) throw std::invalid_argument("add_resource: resource \"" + definition.uri + "\" has no reader");
  {
    std::unique_lock lock(registry_mutex_);
    std::string uri = definition.uri;
    insert_or_replace(resources_,
                      std::make_shared<const resource_entry>(resource_entry{std::move(definition), std::move(reader)}),
                      [&](const auto& e) { return e->definition.uri == uri; });
  }
  notify("notifications/resources/list_changed");
}

bool server::remove_resource(const std::string& uri) {
  bool removed = false;
  {
    std::unique_lock lock(registry_mutex_);
    removed = erase_by(resources_, [&](const auto& e) { return e->definition.uri == uri; });
  }
  if (removed) notify("notifications/resources/list_changed");
  return removed;
}

void server::add_resource_template(protocol::resource_template_definition definition, template_reader reader,
                                   std::map<std::string, completer> completers) {
  if (!reader) throw std::invalid_argument("add_resource_template: \"" + definition.uri_template + "\" has no reader");
  uri_template parsed(definition.uri_template);  // throws std::invalid_argument when malformed
  {
    std::unique_lock lock(registry_mutex_);
    std::string text = definition.uri_template;
    insert_or_replace(templates_,
                      std::make_shared<const template_entry>(template_entry{
                          std::move(definition), std::move(parsed), std::move(reader), std::move(completers)}),
                      [&](const auto& e) { return e->definition.uri_template == text; });
  }
  notify("notifications/resources/list_changed");
}

void server::add_prompt(protocol::prompt_definition definition, prompt_handler handler,
                        std::map<std::string, completer> completers) {
  if (definition.name.empty()) throw std::invalid_argument("add_prompt: a prompt needs a name");
  if (!handler) throw std::invalid_argument("add_prompt: prompt \"" + definition.name + "\" has no handler");
  {
    std::unique_lock lock(registry_mutex_);
    std::string name = definition.name;
    insert_or_replace(prompts_,
                      std::make_shared<const prompt_entry>(
                          prompt_entry{std::move(definition), std::move(handler), std::move(completers)}),
                      [&](const auto& e) { return e->definition.name == name; });
  }
  notify("notifications/prompts/list_changed");
}

bool server::remove_prompt(const std::string& name) {
  bool removed = false;
  {
    std::unique_lock lock(registry_mutex_);
    removed = erase_by(prompts_, [&](const auto& e) { return e->definition.name == name; });
  }
  if (removed) notify("notifications/prompts/list_changed");
  return removed;
}

std::shared_ptr<session> server::connect(std::shared_ptr<message_sink> sink, std::string id) {
  auto s = std::make_shared<session>(*this, std::move(sink), std::move(id));
  std::lock_guard lock(sessions_mutex_);
  std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
  sessions_.push_back(s);
  return s;
}

std::vector<std::shared_ptr<session>> server::live_sessions() {
  std::vector<std::shared_ptr<session>> out;
  std::lock_guard lock(sessions_mutex_);
  for (auto& w : sessions_) {
    if (auto s = w.lock(); s && s->is_initialized() && !s->is_closed()) out.push_back(std::move(s));
  }
  return out;
}

void server::notify(const std::string& method, json::object params) {
  for (auto& s : live_sessions()) s->notify(method, params);
}

void server::notify_resource_updated(const std::string& uri) {
  for (auto& s : live_sessions()) {
    if (s->is_subscribed(uri)) s->notify("notifications/resources/updated", {{"uri", uri}});
  }
}

void server::log(protocol::log_level level, json::value data, std::optional<std::string> logger) {
  for (auto& s : live_sessions()) s->log(level, data, logger);
}

void server::shutdown() {
  std::vector<std::shared_ptr<session>> all;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& w : sessions_) {
      if (auto s = w.lock()) all.push_back(std::move(s));
    }
  }
  for (auto& s : all) s->close();
  worker_pool* workers = nullptr;
  {
    std::lock_guard lock(pool_mutex_);
    pool_closed_ = true;
    workers_.store(nullptr, std::memory_order_release);
    workers = pool_.get();
  }
  if (workers) workers->pool.join();
}

}  // namespace lumen::server
