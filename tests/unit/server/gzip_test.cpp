#include "drsmon/server/gzip.hpp"
#include "drsmon/test/gunzip.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace drsmon::server {
namespace {

std::string gunzip(const std::string& body)
{
    auto text = test::gunzip(body);
    EXPECT_TRUE(text) << "not one complete gzip stream";
    return text.value_or("");
}

// Exposition-like text: repetitive lines with varying numbers.
std::string text_of(std::size_t bytes, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string out;
    while (out.size() < bytes)
        out += "drs_job_progress_ratio{project=\"p\",job_id=\"" + std::to_string(rng()) + "\"} 0." +
               std::to_string(rng() % 1000) + "\n";
    out.resize(bytes);
    return out;
}

TEST(ServerGzip, PiecesCompressedApartJoinIntoOneStream)
{
    const std::vector<std::string> texts{text_of(3'000'000, 1), "", "x", text_of(70'000, 2), text_of(5, 3)};
    std::vector<deflate_piece> pieces;
    std::string whole;
    for (const auto& t : texts)
    {
        auto p = compress_piece(t, 1);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->size, t.size());
        pieces.push_back(std::move(*p));
        whole += t;
    }
    std::vector<const deflate_piece*> ptrs;
    for (const auto& p : pieces)
        ptrs.push_back(&p);
    const auto body = gzip_join(ptrs);
    EXPECT_LT(body.size(), whole.size() / 3);
    EXPECT_EQ(gunzip(body), whole);
}

TEST(ServerGzip, APieceCanBeJoinedAgainWithOtherPieces)
{
    const auto cached = compress_piece(text_of(200'000, 4), 1);
    ASSERT_TRUE(cached);
    for (unsigned round = 0; round < 3; ++round)
    {
        const auto tail_text = "drs_monitor_scrapes " + std::to_string(round) + "\n";
        const auto tail = compress_piece(tail_text, 6);
        ASSERT_TRUE(tail);
        const deflate_piece* ptrs[] = {&*cached, nullptr, &*tail};
        EXPECT_EQ(gunzip(gzip_join(ptrs)), text_of(200'000, 4) + tail_text);
    }
}

TEST(ServerGzip, NoPiecesIsAnEmptyStream) { EXPECT_EQ(gunzip(gzip_join({})), ""); }

TEST(ServerGzip, IncompressibleInputStillFits)
{
    std::mt19937 rng(5);
    std::string noise(1'000'000, '\0');
    for (auto& c : noise)
        c = static_cast<char>(rng());
    const auto p = compress_piece(noise, 1);
    ASSERT_TRUE(p);
    const deflate_piece* ptrs[] = {&*p};
    EXPECT_EQ(gunzip(gzip_join(ptrs)), noise);
}

}  // namespace
}  // namespace drsmon::server
