#include "drsmon/metrics/render.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace drsmon::metrics {

std::string render_text(const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables)
{
    std::vector<prometheus::MetricFamily> families;
    for (const auto& c : collectables)
    {
        if (!c)
            continue;
        auto f = c->Collect();
        families.insert(families.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
    }
    return prometheus::TextSerializer().Serialize(families);
}

}  // namespace drsmon::metrics
