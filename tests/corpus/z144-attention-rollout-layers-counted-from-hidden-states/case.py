"""Explain a tiny BERT sentiment model: attention rollout + per-layer [CLS] norms for a few reviews."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
REVIEWS = ["the battery life is superb", "screen cracked after one drop", "decent phone for the price"]


def load_model_and_tokenizer(folder):
    words = sorted({w for r in REVIEWS for w in r.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=3, num_attention_heads=2,
                     intermediate_size=37, max_position_embeddings=64, num_labels=2,
                     attn_implementation="eager")
    return BertForSequenceClassification(cfg).eval(), tokenizer


def attention_rollout(outputs, attention_mask):
    """Abnar & Zuidema (2020): multiply head-averaged attention (+ identity) through the layers."""
    per_layer = torch.stack(outputs.attentions).mean(dim=2)  # (layers, batch, seq, seq)
    seq_len = attention_mask.shape[1]
    eye = torch.eye(seq_len).unsqueeze(0)
    rollout = eye.expand(attention_mask.shape[0], -1, -1)
    num_layers = len(outputs.hidden_states)
    for layer in range(num_layers):
        mixed = per_layer[layer] + eye
        mixed = mixed / mixed.sum(dim=-1, keepdim=True)
        rollout = mixed @ rollout
    return rollout[:, 0] * attention_mask  # how much [CLS] draws from each token


def cls_norms(outputs):
    return [h[:, 0].norm(dim=-1) for h in outputs.hidden_states]


@torch.no_grad()
def explain(model, tokenizer, texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    outputs = model(**enc, output_attentions=True, output_hidden_states=True)
    relevance = attention_rollout(outputs, enc["attention_mask"])
    norms = cls_norms(outputs)
    for row, text in enumerate(texts):
        tokens = tokenizer.convert_ids_to_tokens(enc["input_ids"][row])
        top = relevance[row].topk(3).indices.tolist()
        print(text, "->", [tokens[i] for i in top], "| cls norms:", [round(n[row].item(), 2) for n in norms])


if __name__ == "__main__":
    model, tokenizer = load_model_and_tokenizer(tempfile.mkdtemp())
    explain(model, tokenizer, REVIEWS)
