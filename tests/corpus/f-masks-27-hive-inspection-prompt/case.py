import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

PROMPT_TOKENS = ["[P0]", "[P1]", "[P2]"]
NOTES = [
    ("queen seen eggs laid brood capped", 0),
    ("no queen no eggs bees agitated", 1),
    ("varroa count high mites on drones", 2),
    ("brood pattern good honey stores full", 0),
    ("queen cells built swarm likely", 1),
    ("deformed wings mites seen", 2),
    ("calm bees eggs and larvae", 0),
    ("empty frames no brood queenless", 1),
]
LABELS = ["healthy", "queen-problem", "mites"]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PROMPT_TOKENS + words) + "\n")
    return BertTokenizer(path)


def add_prompt(batch, prompt_ids):
    x = batch["input_ids"]
    batch["input_ids"] = torch.cat([x[:, :1], prompt_ids.expand(x.size(0), -1), x[:, 1:]], dim=1)
    return batch


def make_model(vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(LABELS))
    return BertForSequenceClassification(cfg)


def freeze_except_prompt_and_head(model, prompt_ids):
    for p in model.parameters():
        p.requires_grad = False
    model.classifier.weight.requires_grad = True
    model.classifier.bias.requires_grad = True
    emb = model.bert.embeddings.word_embeddings.weight
    emb.requires_grad = True
    grad_mask = torch.zeros_like(emb)
    grad_mask[prompt_ids.flatten()] = 1.0
    emb.register_hook(lambda g: g * grad_mask)


def main():
    texts = [t for t, _ in NOTES]
    tok = build_tokenizer(texts)
    prompt_ids = torch.tensor([tok.convert_tokens_to_ids(PROMPT_TOKENS)])
    print("prompt token ids:", prompt_ids.tolist())

    model = make_model(tok.vocab_size)
    freeze_except_prompt_and_head(model, prompt_ids)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=5e-3)

    labels = torch.tensor([y for _, y in NOTES])
    for step in range(4):
        batch = tok(texts, return_tensors="pt", padding=True, return_token_type_ids=False)
        batch = add_prompt(batch, prompt_ids)
        batch["labels"] = labels
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        print(f"step {step}: loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        batch = add_prompt(tok(texts[:3], return_tensors="pt", padding=True, return_token_type_ids=False),
                           prompt_ids)
        preds = model(**batch).logits.argmax(-1)
    for text, p in zip(texts[:3], preds.tolist()):
        print(f"{text!r} -> {LABELS[p]}")


if __name__ == "__main__":
    main()
