// The grammars of registered capital and property area (ocr/amounts.hpp) and the provinces of
// GB/T 2260 (ocr/divisions.hpp), without an engine.
#include <gtest/gtest.h>

#include "ocr/amounts.hpp"
#include "ocr/divisions.hpp"

using namespace lgw::ocr;

TEST(RegisteredCapital, EveryPrintedFormParsesToYuan) {
    EXPECT_EQ(capitalYuan("人民币壹仟万元整"), "10000000");
    EXPECT_EQ(capitalYuan("伍佰万元整"), "5000000");
    EXPECT_EQ(capitalYuan("500万元人民币"), "5000000");
    EXPECT_EQ(capitalYuan("300万元"), "3000000");
    EXPECT_EQ(capitalYuan("贰仟叁佰壹拾万元"), "23100000");
    EXPECT_EQ(capitalYuan("壹仟零壹拾万元整"), "10100000");
    EXPECT_EQ(capitalYuan("壹拾万元"), "100000");
    EXPECT_EQ(capitalYuan("拾万元"), "100000");
    EXPECT_EQ(capitalYuan("壹亿贰仟万元整"), "120000000");
    EXPECT_EQ(capitalYuan("人民币伍拾万元"), "500000");
    EXPECT_EQ(capitalYuan("12.5万元"), "125000");
    EXPECT_EQ(capitalYuan("800000元"), "800000");
    EXPECT_EQ(capitalYuan("５００万元"), "5000000");  // full-width digits as OCR may give them
}

TEST(RegisteredCapital, WhatIsNoCapitalInRenminbiDoesNotParse) {
    for (const char* s : {"", "万元", "人民币", "壹仟万", "100万美元", "贰叁万元", "零佰万元", "会拾万元整", "人参什万元整",
                          "0万元", "12.345678万元", "1.00001万元"})
        EXPECT_FALSE(capitalYuan(s)) << s;
}

TEST(RegisteredCapital, ASingleMisreadIsSnappedOnlyToTheReadRestrictedToTheGrammar) {
    // 伍佰方元整: 方 for 万; the grammar's read says 伍佰万元整 and it is one character away.
    EXPECT_EQ(capitalOneAway("伍佰方元整", "伍佰万元整"), "伍佰万元整");
    // Two characters away: no snap, whatever the other read says.
    EXPECT_EQ(capitalOneAway("伍伯方元整", "伍佰万元整"), "");
    // A read that parses is not snapped to another.
    EXPECT_EQ(capitalOneAway("伍佰万元整", "陆佰万元整"), "");
    // The other read must parse.
    EXPECT_EQ(capitalOneAway("伍佰方元整", "伍佰方元整"), "");
}

TEST(RegisteredCapital, LookAlikesOfTheFinancialNumeralsAreOffered) {
    EXPECT_EQ(capitalLookAlikes("人参什万元整"), "叁仟万元整");
    EXPECT_EQ(capitalLookAlikes("人民币壹件贰个万元整"), "人民币壹仟贰佰万元整");
    EXPECT_EQ(capitalLookAlikes("会拾万元整"), "叁拾万元整");
    EXPECT_EQ(capitalLookAlikes("伍佰万元整"), "");    // parses already
    EXPECT_EQ(capitalLookAlikes("贰仔会佰过拾万元"), "");  // 过 stands for nothing
}

TEST(PropertyArea, TheBuildingAreaIsFoundInEachPrintedForm) {
    EXPECT_EQ(buildingAreaM2("共有宗地面积1523.45㎡/房屋建筑面积89.32㎡"), "89.32");
    EXPECT_EQ(buildingAreaM2("房屋建筑面积89.32平方米"), "89.32");
    EXPECT_EQ(buildingAreaM2("89.32m²"), "89.32");
    EXPECT_EQ(buildingAreaM2("89.32平方米"), "89.32");
    EXPECT_EQ(buildingAreaM2("89.32 m2"), "89.32");
    EXPECT_FALSE(buildingAreaM2("共有宗地面积1523.45㎡"));  // the land's area is not the building's
    EXPECT_FALSE(buildingAreaM2("房屋建筑"));
    EXPECT_FALSE(buildingAreaM2(""));
}

TEST(PropertyArea, AnM2ReadForSquareMetresIsRestored) {
    EXPECT_EQ(areaUnitRestored("79.73m2"), "79.73m²");
    EXPECT_EQ(areaUnitRestored("79.73M2"), "79.73m²");
    EXPECT_EQ(areaUnitRestored("房屋建筑面积79.73平方米"), "房屋建筑面积79.73平方米");
    EXPECT_EQ(areaUnitRestored("m2"), "m2");
}

TEST(Provinces, CodesNameTheirProvinceAndItsAbbreviations) {
    EXPECT_EQ(provinces().size(), 31u);
    ASSERT_NE(provinceOf("110102199001051234"), nullptr);
    EXPECT_EQ(provinceOf("110102")->name, "北京市");
    EXPECT_EQ(provinceOf("420106")->abbreviations.front(), "鄂");
    EXPECT_EQ(provinceOf("520102")->abbreviations.front(), "黔");
    EXPECT_EQ(provinceOf("990000"), nullptr);
    EXPECT_EQ(provinceOf("1"), nullptr);
    EXPECT_TRUE(isProvinceAbbreviation("沪"));
    EXPECT_TRUE(isProvinceAbbreviation("贵"));
    EXPECT_FALSE(isProvinceAbbreviation("哪"));
}
