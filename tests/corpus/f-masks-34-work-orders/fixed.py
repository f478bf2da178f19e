import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "replace", "inspect", "hydraulic", "pump", "seal", "leak", "left", "right", "main",
    "gear", "brake", "wear", "pad", "cabin", "pressure", "valve", "sensor", "fault",
    "engine", "oil", "filter", "found", "cracked", "torque", "bolts", "on", "the", "and",
    "of", "at", "panel", "door", "light", "inoperative", ",", ".",
]

WORK_ORDERS = [
    "replace hydraulic pump seal , leak found .",
    "inspect left main gear brake wear .",
    "cabin pressure valve sensor fault .",
    "torque bolts on the engine oil filter panel and inspect .",
    "door light inoperative .",
    "replace right brake pad .",
]


def write_vocab(words):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


def round_up(batch, multiple, pad_id):
    width = batch["input_ids"].size(1)
    extra = (-width) % multiple
    if extra:
        batch["input_ids"] = F.pad(batch["input_ids"], (0, extra), value=pad_id)
        batch["attention_mask"] = F.pad(batch["attention_mask"], (0, extra), value=0)
    return batch


def embed_orders(model, tokenizer, texts, batch_size=3):
    vectors = []
    for start in range(0, len(texts), batch_size):
        chunk = texts[start : start + batch_size]
        batch = dict(tokenizer(chunk, padding=True, return_token_type_ids=False, return_tensors="pt"))
        batch = round_up(batch, 8, tokenizer.pad_token_id)
        print(f"batch {start // batch_size}: input_ids {tuple(batch['input_ids'].shape)}")
        with torch.no_grad():
            out = model(**batch)
        vectors.append(out.last_hidden_state[:, 0])
    return torch.cat(vectors)


def main():
    tokenizer = BertTokenizer(write_vocab(VOCAB))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertModel(config).eval()

    vectors = embed_orders(model, tokenizer, WORK_ORDERS)
    vectors = F.normalize(vectors, dim=-1)
    sims = vectors @ vectors.T
    sims.fill_diagonal_(-1)
    for i, text in enumerate(WORK_ORDERS):
        j = sims[i].argmax().item()
        print(f"{text!r:60} ~ {WORK_ORDERS[j]!r}")


if __name__ == "__main__":
    main()
