#include "drsmon/server/bcrypt.hpp"

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace {

using drsmon::server::is_bcrypt_hash;
using drsmon::server::verify_bcrypt;
using drsmon::server::testing::bcrypt_hash;

TEST(Bcrypt, VerifiesTheRightPassword)
{
    const std::string hash = bcrypt_hash("s3cret");
    EXPECT_TRUE(hash.starts_with("$2b$04$"));
    EXPECT_TRUE(verify_bcrypt("s3cret", hash));
}

TEST(Bcrypt, RejectsAWrongPassword)
{
    const std::string hash = bcrypt_hash("s3cret");
    EXPECT_FALSE(verify_bcrypt("s3cret ", hash));
    EXPECT_FALSE(verify_bcrypt("", hash));
    EXPECT_FALSE(verify_bcrypt(std::string_view("s3cret\0x", 8), hash));
}

TEST(Bcrypt, AcceptsHtpasswdStyleTwoYHashes)
{
    // htpasswd -nbBC 4 "" test
    std::string hash = bcrypt_hash("test");
    hash[2] = 'y';
    EXPECT_TRUE(is_bcrypt_hash(hash));
    EXPECT_TRUE(verify_bcrypt("test", hash));
}

TEST(Bcrypt, RecognisesOnlyWellFormedBcryptHashes)
{
    EXPECT_TRUE(is_bcrypt_hash(bcrypt_hash("x")));
    EXPECT_FALSE(is_bcrypt_hash("plaintext"));
    EXPECT_FALSE(is_bcrypt_hash("$6$saltsalt$" + std::string(86, 'a')));
    EXPECT_FALSE(is_bcrypt_hash("$2b$03$" + std::string(53, 'a')));
    EXPECT_FALSE(is_bcrypt_hash("$2b$10$" + std::string(52, 'a')));
    EXPECT_FALSE(is_bcrypt_hash("$2b$10$" + std::string(52, 'a') + "!"));
    EXPECT_FALSE(verify_bcrypt("x", "plaintext"));
}

}  // namespace
