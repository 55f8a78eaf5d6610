#pragma once

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace drsmon::metrics::testing {

// One sample line of the text exposition format.
struct sample
{
    std::string name;
    std::map<std::string, std::string> labels;
    std::string value;  // as written, so NaN is visible
};

// Parses the sample lines of a text exposition (comments skipped).
inline std::vector<sample> parse_exposition(const std::string& text)
{
    std::vector<sample> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
    {
        if (line.empty() || line[0] == '#')
            continue;
        sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ')
            s.name += line[i++];
        if (i < line.size() && line[i] == '{')
        {
            ++i;
            while (i < line.size() && line[i] != '}')
            {
                std::string key;
                while (line[i] != '=')
                    key += line[i++];
                i += 2;  // ="
                std::string value;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                        ++i;
                    value += line[i++];
                }
                ++i;  // closing quote
                if (line[i] == ',')
                    ++i;
                s.labels[key] = value;
            }
            ++i;  // }
        }
        while (i < line.size() && line[i] == ' ')
            ++i;
        const auto end = line.find(' ', i);
        s.value = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
        out.push_back(std::move(s));
    }
    return out;
}

// The samples named `name` whose labels include every pair of `labels`.
inline std::vector<sample> find(
    const std::vector<sample>& samples,
    const std::string& name,
    const std::map<std::string, std::string>& labels = {}
)
{
    std::vector<sample> out;
    for (const auto& s : samples)
    {
        if (s.name != name)
            continue;
        bool match = true;
        for (const auto& [k, v] : labels)
        {
            auto it = s.labels.find(k);
            if (it == s.labels.end() || it->second != v)
                match = false;
        }
        if (match)
            out.push_back(s);
    }
    return out;
}

inline double value_of(
    const std::vector<sample>& samples,
    const std::string& name,
    const std::map<std::string, std::string>& labels = {}
)
{
    const auto found = find(samples, name, labels);
    return found.size() == 1 ? std::strtod(found[0].value.c_str(), nullptr) : -12345.0;
}

}  // namespace drsmon::metrics::testing
