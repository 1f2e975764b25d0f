// Test support: rows of docs/architecture.md#parent-and-link's table, shared by the unit test (the session
// API with each kind of ambient context) and the integration test (the real paths).
#pragma once

#include <ostream>
#include <string>

namespace lumen::test::parent_link {

inline const std::string meta_tp = "00-11111111111111111111111111111111-2222222222222222-01";
inline const std::string ambient_tp = "00-33333333333333333333333333333333-4444444444444444-01";

enum class meta_input { valid, invalid, absent };
enum class ambient_input { valid, same_as_meta, none };

struct row {
  const char* name;
  meta_input meta;
  ambient_input ambient;
  const std::string* expected_parent;  // nullptr: a new root
  bool expect_link;                    // to the ambient context
};

inline const row rows[] = {
    {"MetaAndAmbientDiffer_ParentMetaLinkAmbient", meta_input::valid, ambient_input::valid, &meta_tp, true},
    {"MetaAndAmbientSame_ParentMetaNoLink", meta_input::valid, ambient_input::same_as_meta, &meta_tp, false},
    {"MetaOnly_ParentMeta", meta_input::valid, ambient_input::none, &meta_tp, false},
    {"InvalidMetaAndAmbient_ParentAmbient", meta_input::invalid, ambient_input::valid, &ambient_tp, false},
    {"AbsentMetaAndAmbient_ParentAmbient", meta_input::absent, ambient_input::valid, &ambient_tp, false},
    {"NoContext_NewRoot", meta_input::absent, ambient_input::none, nullptr, false},
    {"InvalidMetaNoAmbient_NewRoot", meta_input::invalid, ambient_input::none, nullptr, false},
};

/// Parameterised tests print a row by its name.
inline void PrintTo(const row& r, std::ostream* out) { *out << r.name; }

}  // namespace lumen::test::parent_link
