import collections
import os

import numpy as np
import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(21)
rs = np.random.RandomState(21)

MAX_LENGTH = 40
DOC_STRIDE = 10
N_BEST = 20
MAX_ANSWER_LEN = 8

VOCAB_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab_eval.txt")

RIVERS = ["danube", "rhine", "volga", "loire", "elbe"]
COUNTRIES = ["austria", "germany", "russia", "france", "czechia"]
EXTRA = ("barges carry grain and coal along the lower sections while tourists "
         "visit the old bridges castles and vineyards during summer").split()


def dev_examples(n):
    out = []
    for i in range(n):
        r, c = RIVERS[i % len(RIVERS)], COUNTRIES[rs.randint(len(COUNTRIES))]
        extra = " ".join(rs.choice(EXTRA, size=rs.randint(8, 20)))
        ctx = f"the {r} flows through {c} before reaching the sea . {extra} ."
        out.append({"id": f"dev-{i}", "question": f"which country does the {r} flow through ?",
                    "context": ctx, "gold": c})
    return out


def dump_vocab(examples):
    words = {w for ex in examples for w in ex["question"].split() + ex["context"].split()}
    with open(VOCAB_PATH, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def prepare_validation_features(examples, tokenizer):
    enc = tokenizer([e["question"] for e in examples], [e["context"] for e in examples],
                    truncation="only_second", max_length=MAX_LENGTH, stride=DOC_STRIDE,
                    return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")
    sample_map = enc.pop("overflow_to_sample_mapping")
    enc["example_id"] = []
    for i in range(len(enc["input_ids"])):
        seq_ids = enc.sequence_ids(i)
        enc["example_id"].append(examples[sample_map[i]]["id"])
        enc["offset_mapping"][i] = [o if seq_ids[k] == 1 else None
                                    for k, o in enumerate(enc["offset_mapping"][i])]
    return enc


@torch.no_grad()
def run_model(model, enc, bs=8):
    starts, ends = [], []
    keys = ("input_ids", "token_type_ids", "attention_mask")
    for i in range(0, len(enc["input_ids"]), bs):
        batch = {k: torch.tensor(enc[k][i:i + bs]) for k in keys}
        out = model(**batch)
        starts.append(out.start_logits.numpy())
        ends.append(out.end_logits.numpy())
    return np.concatenate(starts), np.concatenate(ends)


def postprocess(examples, features, start_logits, end_logits):
    by_example = collections.defaultdict(list)
    for fi, ex_id in enumerate(features["example_id"]):
        by_example[ex_id].append(fi)

    predictions = {}
    for ex in examples:
        context = ex["context"]
        candidates = []
        for fi in by_example[ex["id"]]:
            offsets = features["offset_mapping"][fi]
            s_log, e_log = start_logits[fi], end_logits[fi]
            top_s = np.argsort(s_log)[-1:-N_BEST - 1:-1].tolist()
            top_e = np.argsort(e_log)[-1:-N_BEST - 1:-1].tolist()
            for s in top_s:
                for e in top_e:
                    if offsets[s] is None or offsets[e] is None:
                        continue
                    if e < s or e - s + 1 > MAX_ANSWER_LEN:
                        continue
                    candidates.append({
                        "score": float(s_log[s] + e_log[e]),
                        "text": context[offsets[s][0]:offsets[e][1]],
                    })
        best = max(candidates, key=lambda c: c["score"]) if candidates else {"text": "", "score": 0.0}
        predictions[ex["id"]] = best["text"]
    return predictions


def exact_match(preds, examples):
    hits = [preds[e["id"]].strip() == e["gold"] for e in examples]
    return 100.0 * sum(hits) / len(hits)


def main():
    examples = dev_examples(10)
    dump_vocab(examples)
    tokenizer = BertTokenizer(VOCAB_PATH)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = BertForQuestionAnswering(cfg).eval()

    features = prepare_validation_features(examples, tokenizer)
    print(f"{len(examples)} examples, {len(features['input_ids'])} features")
    start_logits, end_logits = run_model(model, features)
    preds = postprocess(examples, features, start_logits, end_logits)
    for ex in examples[:3]:
        print(ex["id"], repr(preds[ex["id"]]), "gold:", ex["gold"])
    print(f"EM = {exact_match(preds, examples):.1f}")


if __name__ == "__main__":
    main()
