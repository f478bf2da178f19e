"""Evaluate a tiny BERT news-topic classifier on a held-out set and report accuracy + confusions."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
TOPICS = ["world", "business", "science"]
HELD_OUT = [
    ("ceasefire talks resume in geneva", 0), ("shares of the airline jump", 1), ("new species of frog found", 2),
    ("election results contested", 0), ("retailer cuts profit forecast", 1), ("telescope spots distant galaxy", 2),
    ("border crossing reopens", 0), ("bank raises deposit rates", 1), ("vaccine trial shows promise", 2),
    ("summit ends without agreement", 0),
]


def load_classifier(folder):
    words = sorted({w for t, _ in HELD_OUT for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                     num_attention_heads=2, intermediate_size=37,
                                                     max_position_embeddings=64, num_labels=len(TOPICS)))
    return model.eval(), tokenizer


@torch.no_grad()
def predict_logits(model, loader):
    collected = []
    for input_ids, attention_mask in loader:
        collected.append(model(input_ids=input_ids, attention_mask=attention_mask).logits)
    return torch.cat(collected, dim=1)


def report(logits, gold):
    preds = logits.argmax(dim=-1)
    print(f"accuracy: {(preds == gold).float().mean().item():.2f}")
    for (text, g), p in zip(HELD_OUT, preds.tolist()):
        if p != g:
            print(f"  {text!r}: gold={TOPICS[g]} predicted={TOPICS[p]}")


if __name__ == "__main__":
    model, tokenizer = load_classifier(tempfile.mkdtemp())
    enc = tokenizer([t for t, _ in HELD_OUT], padding=True, truncation=True, max_length=32, return_tensors="pt")
    gold = torch.tensor([y for _, y in HELD_OUT])
    loader = DataLoader(TensorDataset(enc["input_ids"], enc["attention_mask"]), batch_size=4)
    report(predict_logits(model, loader), gold)
