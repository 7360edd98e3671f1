#pragma once
// Reads one TOML table into typed fields, reporting wrong types, out-of-range values and unknown
// keys with their dotted path. Shared by the gateway config and the material checklists.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace lgw::config::impl {

inline const char* typeName(toml::node_type t) {
    switch (t) {
        case toml::node_type::table: return "table";
        case toml::node_type::array: return "array";
        case toml::node_type::string: return "string";
        case toml::node_type::integer: return "integer";
        case toml::node_type::floating_point: return "float";
        case toml::node_type::boolean: return "boolean";
        case toml::node_type::date: return "date";
        case toml::node_type::time: return "time";
        case toml::node_type::date_time: return "date-time";
        default: return "nothing";
    }
}

// Reads one TOML table into typed fields, remembering which keys it consumed so that the rest can
// be reported as unknown. Errors are collected, never thrown.
class TableReader {
public:
    TableReader(const toml::table* table, std::string path, std::vector<ConfigError>& errors)
        : table_(table), path_(std::move(path)), errors_(errors) {}

    std::string at(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

    void error(std::string_view key, std::string message) { errors_.push_back({at(key), std::move(message)}); }

    const toml::node* node(std::string_view key) {
        seen_.insert(std::string(key));
        return table_ ? table_->get(key) : nullptr;
    }

    void boolean(std::string_view key, bool& out) {
        if (auto* n = node(key)) {
            if (auto v = n->value_exact<bool>()) out = *v;
            else wrongType(key, "boolean", n);
        }
    }

    void string(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed = {}) {
        auto* n = node(key);
        if (!n) return;
        auto v = n->value_exact<std::string>();
        if (!v) return wrongType(key, "string", n);
        if (allowed.size() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            return error(key, "must be one of " + list + ", got \"" + *v + "\"");
        }
        out = *v;
    }

    template <class Int>
    void integer(std::string_view key, Int& out, std::int64_t lo, std::int64_t hi) {
        auto* n = node(key);
        if (!n) return;
        auto v = n->value_exact<std::int64_t>();
        if (!v) return wrongType(key, "integer", n);
        if (*v < lo || *v > hi)
            return error(key, "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + std::to_string(*v));
        out = static_cast<Int>(*v);
    }

    void intList(std::string_view key, std::vector<int>& out, int lo, int hi) {
        auto* a = array(key);
        if (!a) return;
        std::vector<int> v;
        for (std::size_t i = 0; i < a->size(); ++i) {
            auto x = a->get(i)->value_exact<std::int64_t>();
            if (!x || *x < lo || *x > hi) {
                error(key, "must be a list of integers " + std::to_string(lo) + ".." + std::to_string(hi));
                return;
            }
            v.push_back(static_cast<int>(*x));
        }
        out = std::move(v);
    }

    /// A list of non-empty strings.
    void stringList(std::string_view key, std::vector<std::string>& out) {
        auto* a = array(key);
        if (!a) return;
        std::vector<std::string> v;
        for (std::size_t i = 0; i < a->size(); ++i) {
            auto x = a->get(i)->value_exact<std::string>();
            if (!x || x->empty()) {
                error(key, "must be a list of non-empty strings");
                return;
            }
            v.push_back(*x);
        }
        out = std::move(v);
    }

    void stringMap(std::string_view key, std::map<std::string, std::string>& out) {
        auto* t = table(key);
        if (!t) return;
        std::map<std::string, std::string> m;
        for (auto&& [k, v] : *t) {
            auto s = v.value_exact<std::string>();
            if (!s) {
                errors_.push_back({at(key) + "." + std::string(k.str()), "expected string"});
                continue;
            }
            m[std::string(k.str())] = *s;
        }
        out = std::move(m);
    }

    void rate(std::string_view key, RateLimitConfig& out) {
        auto* t = table(key);
        if (!t) return;
        TableReader r(t, at(key), errors_);
        r.integer("max", out.max, 1, 1000000);
        r.integer("window_s", out.windowS, 1, 7 * 86400);
        r.finish();
    }

    const toml::table* table(std::string_view key) {
        auto* n = node(key);
        if (!n) return nullptr;
        if (auto* t = n->as_table()) return t;
        wrongType(key, "table", n);
        return nullptr;
    }

    const toml::array* array(std::string_view key) {
        auto* n = node(key);
        if (!n) return nullptr;
        if (auto* a = n->as_array()) return a;
        wrongType(key, "array", n);
        return nullptr;
    }

    /// Each table of the array `key` ([[key]] in TOML), read by `each(reader)` with the reader at
    /// "key[i]"; a member that is not a table is the error "expected table" at its index.
    template <class Each>
    void tables(std::string_view key, Each&& each) {
        auto* a = array(key);
        if (!a) return;
        for (std::size_t i = 0; i < a->size(); ++i) {
            std::string path = at(key) + "[" + std::to_string(i) + "]";
            auto* t = a->get(i)->as_table();
            if (!t) {
                errors_.push_back({path, "expected table"});
                continue;
            }
            TableReader r(t, path, errors_);
            each(r);
        }
    }

    void finish() {
        if (!table_) return;
        for (auto&& [k, v] : *table_) {
            (void)v;
            if (!seen_.count(std::string(k.str()))) errors_.push_back({at(k.str()), "unknown key"});
        }
    }

private:
    void wrongType(std::string_view key, const char* expected, const toml::node* n) {
        error(key, std::string("expected ") + expected + ", got " + typeName(n->type()));
    }

    const toml::table* table_;
    std::string path_;
    std::vector<ConfigError>& errors_;
    std::set<std::string> seen_;
};

}  // namespace lgw::config::impl
