#include "drsmon/state/shared_flat_map.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace drsmon::state {
namespace {

std::vector<std::string> keys_of(const shared_flat_map<int>& m)
{
    std::vector<std::string> out;
    for (const auto& [k, v] : m)
        out.push_back(k);
    return out;
}

TEST(SharedFlatMap, IteratesInKeyOrderLikeStdMap)
{
    shared_flat_map<int> m;
    m["view"] = 1;
    m["table"] = 2;
    m["Table"] = 3;
    m["index"] = 4;
    m["table_structure"] = 5;
    EXPECT_EQ(keys_of(m), (std::vector<std::string>{"Table", "index", "table", "table_structure", "view"}));
    EXPECT_EQ(m.size(), 5u);
}

TEST(SharedFlatMap, SubscriptInsertsAValueInitialisedValueOnce)
{
    shared_flat_map<int> m;
    EXPECT_TRUE(m.empty());
    EXPECT_EQ(m["a"], 0);
    m["a"] += 2;
    m["a"] += 3;
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.at("a"), 5);
}

TEST(SharedFlatMap, FindsCountsAndErasesByKey)
{
    shared_flat_map<int> m{{"b", 2}, {"a", 1}, {"c", 3}};
    ASSERT_NE(m.find("b"), m.end());
    EXPECT_EQ(m.find("b")->second, 2);
    EXPECT_EQ(m.find("bb"), m.end());
    EXPECT_TRUE(m.contains("c"));
    EXPECT_EQ(m.count("a"), 1u);
    EXPECT_EQ(m.count("z"), 0u);
    EXPECT_THROW((void)m.at("z"), std::out_of_range);
    EXPECT_EQ(m.erase("b"), 1u);
    EXPECT_EQ(m.erase("b"), 0u);
    EXPECT_EQ(keys_of(m), (std::vector<std::string>{"a", "c"}));
    m.clear();
    EXPECT_TRUE(m.empty());
    EXPECT_EQ(m.begin(), m.end());
}

TEST(SharedFlatMap, InitialiserListKeepsTheFirstOfDuplicateKeys)
{
    const shared_flat_map<int> m{{"x", 1}, {"x", 2}};
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.at("x"), 1);
}

TEST(SharedFlatMap, CopiesShareStorageUntilOneIsChanged)
{
    shared_flat_map<int> a{{"a", 1}, {"b", 2}};
    auto b = a;
    EXPECT_TRUE(a.shares_storage_with(b));
    EXPECT_EQ(a, b);
    b["b"] = 20;
    EXPECT_FALSE(a.shares_storage_with(b));
    EXPECT_EQ(a.at("b"), 2);
    EXPECT_EQ(b.at("b"), 20);
    EXPECT_NE(a, b);
    auto c = a;
    EXPECT_EQ(c.erase("a"), 1u);
    EXPECT_EQ(a.size(), 2u);
    EXPECT_EQ(c.size(), 1u);
}

TEST(SharedFlatMap, ComparesByValueWhenStorageIsNotShared)
{
    shared_flat_map<int> a{{"a", 1}};
    shared_flat_map<int> b;
    b["a"] = 1;
    EXPECT_FALSE(a.shares_storage_with(b));
    EXPECT_EQ(a, b);
    b.erase("a");
    EXPECT_EQ(b, shared_flat_map<int>{});  // emptied storage equals no storage
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace drsmon::state
