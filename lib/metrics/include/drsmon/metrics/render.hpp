#pragma once

#include <prometheus/collectable.h>

#include <memory>
#include <string>
#include <vector>

namespace drsmon::metrics {

// The Content-Type of render_text's output.
inline constexpr const char* text_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Collects every collectable (null entries are skipped) and serialises the families in the
// Prometheus text exposition format 0.0.4.
std::string render_text(const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables);

}  // namespace drsmon::metrics
