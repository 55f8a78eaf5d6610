#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::state {

// A small map from string to V, ordered by key like std::map<std::string, V>, stored as one sorted
// vector that copies share until one of them is changed (copy on write). Copying a job_state
// therefore does not copy its maps, and two copies whose map was not changed compare by pointer.
// Lookups are by string_view; iteration is read-only (change values through operator[]).
//
// A reference returned by operator[] is valid until the next non-const call on this map. Do not
// keep it across a copy of the map: writing through it would change the copy too. The monitor's
// state is used from one thread.
template <class V>
class shared_flat_map
{
public:
    using key_type = std::string;
    using mapped_type = V;
    using value_type = std::pair<std::string, V>;
    using const_iterator = typename std::vector<value_type>::const_iterator;
    using iterator = const_iterator;
    using size_type = std::size_t;

    shared_flat_map() = default;

    // As std::map: of duplicate keys, the first one is kept.
    shared_flat_map(std::initializer_list<value_type> init)
    {
        for (const auto& kv : init)
            if (!contains(kv.first))
                (*this)[kv.first] = kv.second;
    }

    const_iterator begin() const noexcept { return view().begin(); }
    const_iterator end() const noexcept { return view().end(); }
    const_iterator cbegin() const noexcept { return begin(); }
    const_iterator cend() const noexcept { return end(); }
    size_type size() const noexcept { return items_ ? items_->size() : 0; }
    bool empty() const noexcept { return size() == 0; }

    const_iterator find(std::string_view key) const noexcept
    {
        const auto it = lower_bound(view(), key);
        return it != view().end() && it->first == key ? it : view().end();
    }
    bool contains(std::string_view key) const noexcept { return find(key) != end(); }
    size_type count(std::string_view key) const noexcept { return contains(key) ? 1 : 0; }

    // Throws std::out_of_range when `key` is absent (as std::map::at).
    const V& at(std::string_view key) const
    {
        const auto it = find(key);
        if (it == end())
            throw std::out_of_range("shared_flat_map::at");
        return it->second;
    }

    // The value of `key`, inserted value-initialised when absent. Unshares the storage first.
    V& operator[](std::string_view key)
    {
        auto& items = writable();
        auto it = lower_bound(items, key);
        if (it == items.end() || it->first != key)
            it = items.insert(it, value_type(std::string(key), V{}));
        return it->second;
    }

    // Removes `key`; returns the number of values removed (0 or 1).
    size_type erase(std::string_view key)
    {
        if (!contains(key))
            return 0;
        auto& items = writable();
        items.erase(lower_bound(items, key));
        return 1;
    }

    void clear() noexcept { items_.reset(); }

    // True when both maps use the same storage (a copy not changed since), so they are equal
    // without reading their values. False does not mean they differ.
    bool shares_storage_with(const shared_flat_map& other) const noexcept { return items_ == other.items_; }

    friend bool operator==(const shared_flat_map& a, const shared_flat_map& b)
    {
        return a.items_ == b.items_ || a.view() == b.view();
    }

private:
    using storage = std::vector<value_type>;

    template <class Items>
    static auto lower_bound(Items& items, std::string_view key)
    {
        return std::lower_bound(
            items.begin(),
            items.end(),
            key,
            [](const value_type& kv, std::string_view k) { return std::string_view(kv.first) < k; }
        );
    }

    const storage& view() const noexcept
    {
        static const storage none;
        return items_ ? *items_ : none;
    }
    storage& writable()
    {
        if (!items_)
            items_ = std::make_shared<storage>();
        else if (items_.use_count() > 1)
            items_ = std::make_shared<storage>(*items_);
        return *items_;
    }

    std::shared_ptr<storage> items_;
};

}  // namespace drsmon::state
