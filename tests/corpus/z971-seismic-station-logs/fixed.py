"""Seismic observatory shift logs -> tagged station codes, phases and magnitudes.

Analysts paste free-text shift log lines; the function runs a token tagger over them and
returns the tagged spans so the event catalogue can be cross-checked.
"""
import functools
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

TAGS = ["O", "STATION", "PHASE", "MAGNITUDE", "TIME"]

LOG_WORDS = (
    "station stn picked pick arrival p s wave phase at utc local mag ml mb magnitude "
    "clipped noisy quiet gap telemetry restored offline aftershock swarm event near "
    "coast ridge valley north east shaft borehole sensor channel bhz bhn bhe "
    "manual revised upgraded downgraded lost"
).split() + ["kvl", "hsr", "ptn", "ogr", "0", "1", "2", "3", "4", "5", "."]


@functools.lru_cache(maxsize=1)
def get_tokenizer():
    folder = tempfile.mkdtemp(prefix="seis_vocab_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LOG_WORDS))
    return BertTokenizer(vocab_file)


@functools.lru_cache(maxsize=1)
def get_tagger(vocab_size, seed):
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=len(TAGS),
    )
    return BertForTokenClassification(config).eval()


def collect_spans(tokens, tag_row, keep_row, limit):
    spans, current = [], None
    for pos in range(limit):
        if keep_row[pos] == 0:
            break
        tag = TAGS[int(tag_row[pos])]
        tok = tokens[pos]
        if tok in ("[CLS]", "[SEP]") or tag == "O":
            current = None
            continue
        if current is not None and current["tag"] == tag:
            current["text"] += " " + tok
        else:
            current = {"tag": tag, "text": tok}
            spans.append(current)
    return spans


def handler(event, context):
    params = event.get("params", {})
    max_tokens = params.get("max_tokens", 48)
    tok = get_tokenizer()
    tagger = get_tagger(len(tok), params.get("seed", 5))

    log_lines = event["texts"]
    enc = tok(log_lines, padding=True, truncation=True, max_length=max_tokens,
              return_tensors="pt")
    print(f"[seis-tagger] {len(log_lines)} lines -> grid {tuple(enc['input_ids'].shape)}")

    with torch.no_grad():
        scores = tagger(**enc).logits
    tag_ids = scores.argmax(dim=-1)

    tagged = []
    for r, line in enumerate(log_lines):
        tokens = tok.convert_ids_to_tokens(enc["input_ids"][r].tolist())
        spans = collect_spans(tokens, tag_ids[r], enc["attention_mask"][r], tag_ids.size(1))
        print(f"  line {r}: {len(spans)} spans")
        tagged.append({"line": line, "spans": spans})
    return {"statusCode": 200, "tagged": tagged}


if __name__ == "__main__":
    fake_event = {
        "texts": [
            "stn kvl picked p wave arrival at 0 4 utc",
            "telemetry lost at hsr",
            "manual pick s phase ptn mag ml 2 . 3 aftershock near coast ridge",
            "ogr sensor channel bhz noisy",
        ],
        "params": {"max_tokens": 48, "seed": 5},
    }
    response = handler(fake_event, None)
    for item in response["tagged"]:
        print(item["line"], "->", item["spans"])
