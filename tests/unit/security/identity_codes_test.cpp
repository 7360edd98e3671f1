#include "security/identity_codes.hpp"

#include <gtest/gtest.h>

using namespace lgw::security;

namespace {
constexpr const char* kToday = "2026-11-23";
}

// GB 32100-2015's own example and the one of API.md.
TEST(CreditCode, StandardExamplesAreValid) {
    for (const char* code : {"91350100M000100Y43", "91110102MA01C7Q59Y"}) {
        auto v = validateCreditCode(code);
        EXPECT_TRUE(v.valid) << code << ": " << v.reason;
        EXPECT_EQ(v.kind, CodeKind::kCreditCode);
    }
}

TEST(CreditCode, CheckCharacterComputedFromWeights) {
    EXPECT_EQ(creditCodeCheckChar("91350100M000100Y4"), '3');
    EXPECT_EQ(creditCodeCheckChar("91110102MA01C7Q59"), 'Y');
    EXPECT_EQ(organisationCodeCheckChar("M000100Y"), '4');
}

TEST(CreditCode, WrongCheckCharacterNamesTheExpectedOne) {
    auto v = validateCreditCode("91110102MA01C7Q59X");
    EXPECT_FALSE(v.valid);
    EXPECT_TRUE(v.wellFormed);
    EXPECT_EQ(v.problem, "bad_check_character");
    EXPECT_EQ(v.reason, "check character should be 'Y', got 'X'");
    ASSERT_TRUE(v.expectedCheck);
    EXPECT_EQ(*v.expectedCheck, 'Y');
}

TEST(CreditCode, WrongLength) {
    for (const char* code : {"", "91110102MA01C7Q59", "91110102MA01C7Q59YY"}) {
        auto v = validateCreditCode(code);
        EXPECT_EQ(v.problem, "wrong_length") << code;
        EXPECT_FALSE(v.wellFormed);
    }
}

TEST(CreditCode, ForbiddenLettersAreNamedWithTheirPosition) {
    for (char c : {'I', 'O', 'S', 'V', 'Z'}) {
        std::string code = "91110102MA01C7Q59Y";
        code[9] = c;
        auto v = validateCreditCode(code);
        EXPECT_EQ(v.problem, "forbidden_character") << c;
        EXPECT_NE(v.reason.find("character 10"), std::string::npos) << v.reason;
    }
    auto v = validateCreditCode("91110102MA01C7Q5#Y");
    EXPECT_EQ(v.problem, "forbidden_character");
}

TEST(CreditCode, LowerCaseAndSpacesAreNormalised) {
    auto v = validateCreditCode(" 9111 0102 ma01 c7q5 9y ");
    EXPECT_TRUE(v.valid) << v.reason;
    EXPECT_EQ(v.normalized, "91110102MA01C7Q59Y");
}

TEST(CreditCode, OrganisationCodeCheckIsVerified) {
    // Change the embedded organisation code's check (position 17) and recompute position 18, so
    // that only the GB 11714 check fails.
    std::string first17 = "91350100M000100Y5";
    std::string code = first17 + creditCodeCheckChar(first17);
    auto v = validateCreditCode(code);
    EXPECT_FALSE(v.valid);
    EXPECT_EQ(v.problem, "bad_organisation_check");
}

TEST(CreditCode, ImplausibleRegistrationAuthorityOrRegion) {
    std::string first17 = "0B110102MA01C7Q59";
    EXPECT_EQ(validateCreditCode(first17 + creditCodeCheckChar(first17)).problem, "bad_registration_authority");
    first17 = "91990102MA01C7Q59";
    EXPECT_EQ(validateCreditCode(first17 + creditCodeCheckChar(first17)).problem, "bad_region");
}

// GB 11643-1999's own examples.
TEST(IdNumber, StandardExamplesAreValid) {
    for (const char* code : {"11010519491231002X", "440524188001010014"}) {
        auto v = validateIdNumber(code, kToday);
        EXPECT_TRUE(v.valid) << code << ": " << v.reason;
    }
    auto v = validateIdNumber("11010519491231002X", kToday);
    EXPECT_EQ(v.birthDate, "1949-12-31");
    EXPECT_EQ(v.sex, "female");
    EXPECT_EQ(validateIdNumber("440524188001010014", kToday).sex, "male");
}

TEST(IdNumber, CheckCharacter) {
    EXPECT_EQ(idNumberCheckChar("11010519491231002"), 'X');
    auto v = validateIdNumber("110105194912310021", kToday);
    EXPECT_EQ(v.problem, "bad_check_character");
    EXPECT_EQ(v.reason, "check character should be 'X', got '1'");
}

TEST(IdNumber, TheSpecimenCardNumberFailsItsCheck) {
    // shared/samples: the printed number on the public specimen card is not a valid number.
    auto v = validateIdNumber("430512198908131367", kToday);
    EXPECT_FALSE(v.valid);
    EXPECT_TRUE(v.wellFormed);
    EXPECT_EQ(v.problem, "bad_check_character");
}

TEST(IdNumber, ImpossibleAndFutureDates) {
    for (const char* first17 : {"11010519490230002", "11010519491331002", "11010520270101002"}) {
        std::string code = std::string(first17) + idNumberCheckChar(first17);
        auto v = validateIdNumber(code, kToday);
        EXPECT_EQ(v.problem, "bad_birth_date") << code;
    }
    std::string leap = std::string("11010520000229002");
    EXPECT_TRUE(validateIdNumber(leap + idNumberCheckChar(leap), kToday).valid);
}

TEST(IdNumber, RegionMustBeAProvince) {
    std::string first17 = "99010519491231002";
    EXPECT_EQ(validateIdNumber(first17 + idNumberCheckChar(first17), kToday).problem, "bad_region");
}

TEST(IdNumber, LowerCaseXAndSpaces) {
    auto v = validateIdNumber("110105 19491231 002x", kToday);
    EXPECT_TRUE(v.valid) << v.reason;
    EXPECT_EQ(v.normalized, "11010519491231002X");
}

TEST(IdNumber, LettersAndWrongLength) {
    EXPECT_EQ(validateIdNumber("11010519491231A02X", kToday).problem, "forbidden_character");
    EXPECT_EQ(validateIdNumber("1101051949123100", kToday).problem, "wrong_length");
}

TEST(IdNumber, FifteenDigitNumbersAreConverted) {
    auto v = validateIdNumber("110105491231002", kToday);
    EXPECT_TRUE(v.valid) << v.reason;
    EXPECT_TRUE(v.legacy15);
    EXPECT_EQ(v.normalized, "11010519491231002X");
}

TEST(IdentityCode, DispatchByShape) {
    EXPECT_EQ(validateIdentityCode("91110102MA01C7Q59Y", kToday).kind, CodeKind::kCreditCode);
    EXPECT_EQ(validateIdentityCode("11010519491231002X", kToday).kind, CodeKind::kIdNumber);
    EXPECT_EQ(validateIdentityCode("110105491231002", kToday).kind, CodeKind::kIdNumber);
}

TEST(Mod37_36, TheUpstreamsExampleIdentifierVerifies) {
    // UPSTREAMS.md: 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U — the
    // check character covers what follows the OID prefix 1.2.156.3005.2, dots removed.
    auto c = mod37_36CheckChar("11100000000013338W011" "11430000006122244L" "20230000403" "001");
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, 'U');
    EXPECT_NE(*mod37_36CheckChar("11100000000013338W011" "11430000006122244L" "20230000403" "002"), 'U');
    EXPECT_FALSE(mod37_36CheckChar("abc-"));
}
