// report_reader_fuzz.cc: libFuzzer target for what `report` reads (campaign.json, results.jsonl).
//
// The input is read as a campaign.json (nlohmann parse, then manifest_problem and, when it has
// none, manifest_seeds) and, line by line, as results.jsonl lines (parse_seed_record). A line
// that reads back must write and read again to the same record. Nothing may throw except the
// JSON parser's parse_error, which `report` catches. Built with ASan and UBSan.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/campaign_manifest.h"
#include "reports/seed_record.h"

namespace {

using Json = nlohmann::ordered_json;

bool parse(std::string_view text, Json* out) {
  try {
    *out = Json::parse(text.begin(), text.end());
    return true;
  } catch (const Json::parse_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Json manifest;
  if (parse(text, &manifest) && !leasesim::manifest_problem(manifest)) (void)leasesim::manifest_seeds(manifest);
  for (size_t at = 0; at <= text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    Json line;
    if (parse(text.substr(at, end - at), &line)) {
      std::string why;
      if (const auto record = leasesim::parse_seed_record(line, &why)) {
        std::string again_why;
        const auto again = leasesim::parse_seed_record(Json::parse(leasesim::seed_record_line(*record)), &again_why);
        if (!again || !(*again == *record)) {
          std::fprintf(stderr, "report_reader_fuzz: a results line does not read back: %s\n", again_why.c_str());
          std::abort();
        }
      }
    }
    at = end + 1;
  }
  return 0;
}
