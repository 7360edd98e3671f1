#include "security/crypto.hpp"

#include <gtest/gtest.h>

using namespace lgw::security;

TEST(Crypto, Sha256KnownAnswer) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256Rfc4231Case2) {
    EXPECT_EQ(toHex(hmacSha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 5869, test case 1 (the watermark's keys are derived with it).
TEST(Crypto, HkdfSha256Rfc5869Case1) {
    auto ikm = *fromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    auto salt = *fromHex("000102030405060708090a0b0c");
    auto info = *fromHex("f0f1f2f3f4f5f6f7f8f9");
    EXPECT_EQ(toHex(hkdfSha256(ikm, salt, info, 42)),
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Crypto, RandomIdsDiffer) {
    auto a = randomId128(), b = randomId128();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
}

TEST(Crypto, ConstantTimeEquals) {
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
}

TEST(Crypto, HexAndBase64RoundTrip) {
    std::string bytes("\x00\x01\xfe\xff", 4);
    EXPECT_EQ(toHex(bytes), "0001feff");
    EXPECT_EQ(*fromHex("0001FEff"), bytes);
    EXPECT_FALSE(fromHex("abc"));
    EXPECT_FALSE(fromHex("zz"));
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) EXPECT_EQ(*base64Decode(base64Encode(s)), s);
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
    EXPECT_FALSE(base64Decode("Zm9"));
}
