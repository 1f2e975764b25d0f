// The trace viewer's page.
#include <lumen/viewer/trace_viewer.hpp>

namespace lumen::viewer {

std::string_view viewer_index_html() {
  return R"lumen(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lumen traces</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<header>
  <a href="#/" class="brand">Lumen traces</a>
  <span id="store-info" class="muted"></span>
</header>
<main id="app" data-testid="app">Loading...</main>
<script src="app.js"></script>
</body>
</html>
)lumen";
}

}  // namespace lumen::viewer
