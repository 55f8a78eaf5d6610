#pragma once

#include "drsmon/auth/signer.hpp"
#include "drsmon/core/text.hpp"

#include <string_view>
#include <vector>

// Shared by the signer and the verifier (not part of the public API).
namespace drsmon::auth::detail {

// First header with that name (case-insensitive), or nullptr.
inline const header* find_header(const std::vector<header>& headers, std::string_view name) noexcept
{
    for (const auto& h : headers)
    {
        if (core::iequals(h.name, name))
            return &h;
    }
    return nullptr;
}

}  // namespace drsmon::auth::detail
