#include "gateway/app.hpp"
#include "gateway/malloc_tuning.hpp"

int main(int argc, char** argv) {
    lgw::gateway::tuneAllocatorForDocuments();
    return lgw::gateway::runCli(argc, argv);
}
