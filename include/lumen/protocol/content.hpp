// Builders for MCP content blocks (text, image, audio, resource links, embedded resources) and
// resource contents.
#pragma once

#include <lumen/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lumen::protocol {

/// `TextContent`.
json::object text_content(std::string_view text);
/// `ImageContent`; `base64_data` is already base64-encoded (core::base64_encode).
json::object image_content(std::string_view base64_data, std::string_view mime_type);
/// `AudioContent`; `base64_data` is already base64-encoded (core::base64_encode).
json::object audio_content(std::string_view base64_data, std::string_view mime_type);
/// `ResourceLink`: a pointer to a resource the client may read.
json::object resource_link(std::string_view uri, std::string_view name,
                           std::optional<std::string_view> mime_type = std::nullopt,
                           std::optional<std::string_view> description = std::nullopt);
/// `EmbeddedResource` wrapping text or blob resource contents (see below).
json::object embedded_resource(json::object resource_contents);

/// `TextResourceContents`.
json::object text_resource(std::string_view uri, std::string_view text,
                           std::optional<std::string_view> mime_type = std::nullopt);
/// `BlobResourceContents` from raw bytes (encoded here as base64).
json::object blob_resource(std::string_view uri, std::string_view bytes,
                           std::optional<std::string_view> mime_type = std::nullopt);

}  // namespace lumen::protocol
