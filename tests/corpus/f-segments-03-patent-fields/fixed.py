"""Encode patent records (title / abstract / first claim) as one segmented BERT sequence."""
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

N_PARTS = 2  # title, abstract
TYPE_VOCAB = N_PARTS
MAX_PART_LEN = 12

# the examiners asked for the first independent claim to be encoded too
N_PARTS = 3
FIELDS = ["title", "abstract", "claim"]

PATENTS = [
    {
        "title": "rotary valve for irrigation manifold",
        "abstract": "a valve body with a rotating disc distributes water between field zones",
        "claim": "a valve comprising a housing a disc and a drive shaft",
    },
    {
        "title": "battery cell cooling plate",
        "abstract": "a cooling plate with serpentine channels removes heat from battery cells",
        "claim": "a plate comprising channels an inlet and an outlet",
    },
]


def write_vocab(patents):
    words = sorted({w for p in patents for f in FIELDS for w in p[f].split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def encode_record(tokenizer, record):
    ids = [tokenizer.cls_token_id]
    segments = [0]
    for part_idx, name in enumerate(FIELDS[:N_PARTS]):
        toks = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(record[name]))[:MAX_PART_LEN]
        toks = toks + [tokenizer.sep_token_id]
        ids.extend(toks)
        segments.extend([part_idx] * len(toks))
    return ids, segments


def collate(tokenizer, records):
    encoded = [encode_record(tokenizer, r) for r in records]
    max_len = max(len(ids) for ids, _ in encoded)
    input_ids, token_type_ids, attention_mask = [], [], []
    for ids, segs in encoded:
        pad = max_len - len(ids)
        input_ids.append(ids + [tokenizer.pad_token_id] * pad)
        token_type_ids.append(segs + [0] * pad)
        attention_mask.append([1] * len(ids) + [0] * pad)
    return {
        "input_ids": torch.tensor(input_ids),
        "token_type_ids": torch.tensor(token_type_ids),
        "attention_mask": torch.tensor(attention_mask),
    }


def main():
    tokenizer = BertTokenizer(write_vocab(PATENTS))
    batch = collate(tokenizer, PATENTS)
    print("batch shape:", tuple(batch["input_ids"].shape))
    print("segments used:", sorted(set(batch["token_type_ids"].flatten().tolist())))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        type_vocab_size=N_PARTS,
    )
    model = BertModel(config).eval()
    with torch.no_grad():
        out = model(**batch)
    hidden = out.last_hidden_state
    print("hidden:", tuple(hidden.shape))
    for i, rec in enumerate(PATENTS):
        n = int(batch["attention_mask"][i].sum())
        print(f"{rec['title'][:30]:<30s} mean-norm {hidden[i, :n].norm(dim=-1).mean().item():.3f}")


if __name__ == "__main__":
    main()
