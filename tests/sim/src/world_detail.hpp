#pragma once

#include <cstddef>
#include <cstdint>

// Shared by world.cpp and generate.cpp: the simulator's deterministic random numbers and names.
namespace drsmon::sim::detail {

inline std::uint64_t splitmix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// The generator draws from one stream so the same seed always gives the same account.
struct rng
{
    std::uint64_t& state;
    double uniform() { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }
    double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi) { return lo + static_cast<int>(uniform() * (hi - lo + 1)); }
    template <class T, std::size_t N>
    const T& pick(const T (&items)[N])
    {
        return items[static_cast<std::size_t>(uniform() * N)];
    }
};

inline constexpr const char* db_names[] =
    {"orders", "billing", "crm", "inventory", "audit", "payments", "users", "catalog"};

}  // namespace drsmon::sim::detail
