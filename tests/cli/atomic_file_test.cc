// Issue 19, items 1 and 2: output files never destroy what they write over, and writers never
// share a temporary file.
#include "cli/atomic_file.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

using namespace leasesim::testing;
namespace fs = std::filesystem;

TEST(AtomicFile, ReplacesARegularFileWholeAndLeavesNoTemporary) {
  const fs::path dir = scratch("atomic-regular");
  put(dir / "out.txt", "old");
  ::chmod((dir / "out.txt").c_str(), 0640);
  ASSERT_FALSE(write_file_atomically((dir / "out.txt").string(), "new"));
  EXPECT_EQ(slurp(dir / "out.txt"), "new");
  struct stat st {};
  ::stat((dir / "out.txt").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "the replacement keeps the mode of the file it replaces";
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(AtomicFile, UncommittedLeavesTheOldFileAndNoTemporary) {
  const fs::path dir = scratch("atomic-uncommitted");
  put(dir / "out.txt", "old");
  {
    AtomicFile f((dir / "out.txt").string());
    f.stream() << "half";
  }
  EXPECT_EQ(slurp(dir / "out.txt"), "old");
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(AtomicFile, WritesThroughASymlinkAndKeepsTheLink) {
  const fs::path dir = scratch("atomic-symlink");
  fs::create_directories(dir / "real");
  put(dir / "real" / "target.txt", "old");
  fs::create_symlink("real/target.txt", dir / "link");
  fs::create_symlink("link", dir / "link2");  // a chain
  ASSERT_FALSE(write_file_atomically((dir / "link2").string(), "new"));
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_TRUE(fs::is_symlink(dir / "link2"));
  EXPECT_EQ(slurp(dir / "real" / "target.txt"), "new");
  EXPECT_TRUE(hidden_files(dir / "real").empty());
}

TEST(AtomicFile, DanglingSymlinkCreatesItsTarget) {
  const fs::path dir = scratch("atomic-dangling");
  fs::create_symlink("sub/made.txt", dir / "link");
  ASSERT_FALSE(write_file_atomically((dir / "link").string(), "made"));
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_EQ(slurp(dir / "sub" / "made.txt"), "made");
}

TEST(AtomicFile, SymlinkLoopIsAnError) {
  const fs::path dir = scratch("atomic-loop");
  fs::create_symlink("b", dir / "a");
  fs::create_symlink("a", dir / "b");
  const auto e = write_file_atomically((dir / "a").string(), "x");
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("symbolic links"), std::string::npos) << *e;
}

TEST(AtomicFile, DevNullStaysADevice) {
  ASSERT_FALSE(write_file_atomically("/dev/null", "discarded"));
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null must stay a character device";
  EXPECT_FALSE(fs::exists("/dev/null.tmp"));
}

TEST(AtomicFile, FifoIsWrittenNotReplaced) {
  const fs::path dir = scratch("atomic-fifo");
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // O_RDWR on a FIFO does not block on Linux, and keeps a reader present for the writer.
  const int reader = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ASSERT_FALSE(write_file_atomically(fifo.string(), "through the pipe"));
  char buf[64] = {};
  const ssize_t n = ::read(reader, buf, sizeof buf - 1);
  ::close(reader);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "through the pipe");
  struct stat st {};
  ::stat(fifo.c_str(), &st);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(AtomicFile, FolderIsRefused) {
  const fs::path dir = scratch("atomic-folder");
  const auto e = write_file_atomically(dir.string(), "x");
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("is a folder"), std::string::npos) << *e;
}

TEST(AtomicFile, TwoWritersUseTwoTemporaryFiles) {
  const fs::path dir = scratch("atomic-two-writers");
  AtomicFile a((dir / "out.txt").string());
  AtomicFile b((dir / "out.txt").string());
  ASSERT_FALSE(a.error());
  ASSERT_FALSE(b.error());
  EXPECT_EQ(hidden_files(dir).size(), 2u) << "each writer has its own temporary file";
  a.stream() << std::string(100000, 'a');
  b.stream() << std::string(100000, 'b');
  ASSERT_FALSE(a.commit());
  ASSERT_FALSE(b.commit());
  EXPECT_EQ(slurp(dir / "out.txt"), std::string(100000, 'b')) << "the last commit wins, whole";
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(RunCommandOutputs, TraceOntoTheScenarioItselfIsRefused) {
  const fs::path dir = scratch("trace-self");
  const std::string scenario = put(dir / "s.yaml", slurp(source_path("scenarios/quickstart.yaml")));
  fs::create_symlink("s.yaml", dir / "alias.yaml");
  const CliResult r = run_cli({"run", scenario, "--trace", (dir / "alias.yaml").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is the scenario file itself"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(scenario), slurp(source_path("scenarios/quickstart.yaml")));
}

TEST(RunCommandOutputs, TraceToDevNullKeepsTheDevice) {
  const CliResult r = run_cli({"run", source_path("scenarios/quickstart.yaml"), "--trace", "/dev/null"});
  EXPECT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ::stat("/dev/null", &st);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

}  // namespace
}  // namespace leasesim
