// sha256_test.cc: SHA-256 and base32 against published test vectors (FIPS 180-4 examples,
// RFC 4648 section 10) and a multi-block input computed with an independent implementation.
#include "core/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace leasesim {
namespace {

std::string hex(const std::array<uint8_t, 32>& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string b32(std::string_view s) {
  return base32_no_padding(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Sha256, PublishedVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 1000 bytes: sixteen blocks, with the length spilling into a block of its own.
  EXPECT_EQ(hex(sha256(std::string(1000, 'a'))), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(Base32, Rfc4648VectorsWithoutPadding) {
  EXPECT_EQ(b32(""), "");
  EXPECT_EQ(b32("f"), "MY");
  EXPECT_EQ(b32("fo"), "MZXQ");
  EXPECT_EQ(b32("foo"), "MZXW6");
  EXPECT_EQ(b32("foob"), "MZXW6YQ");
  EXPECT_EQ(b32("fooba"), "MZXW6YTB");
  EXPECT_EQ(b32("foobar"), "MZXW6YTBOI");
}

}  // namespace
}  // namespace leasesim
