"""Headline embeddings for the news clustering dashboard: BERT token states averaged over the content words
only (stopwords and special tokens are left out), then a greedy threshold clustering.
"""
import functools
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

STOPWORDS = {"the", "a", "of", "in", "to", "for", "on", "and", "after", "as"}
HEADLINES = [
    "central bank raises rates to fight inflation",
    "rates rise again as the central bank acts",
    "storm leaves thousands without power in the north",
    "power cut after storm hits northern towns",
    "local team wins the cup final on penalties",
    "penalties decide a dramatic cup final",
]


def collate_headlines(texts, tokenizer, skip_ids):
    encoded = [tokenizer(t, truncation=True, max_length=32) for t in texts]
    batch = tokenizer.pad(encoded, pad_to_multiple_of=8, return_tensors="pt")
    content = pad_sequence([torch.tensor([0.0 if i in skip_ids else 1.0 for i in e["input_ids"]]) for e in encoded],
                           batch_first=True)
    return batch, content


def content_mean(states, content):
    summed = (states * content.unsqueeze(-1)).sum(dim=1)
    return summed / content.sum(dim=1, keepdim=True).clamp(min=1.0)


@torch.no_grad()
def embed_all(model, loader):
    vectors = []
    for batch, content in loader:
        states = model(**batch).last_hidden_state
        vectors.append(F.normalize(content_mean(states, content), dim=-1))
    return torch.cat(vectors)


def greedy_clusters(vectors, threshold=0.8):
    clusters = []
    for i, v in enumerate(vectors):
        for members in clusters:
            if float(v @ vectors[members[0]]) > threshold:
                members.append(i)
                break
        else:
            clusters.append([i])
    return clusters


def main():
    torch.manual_seed(0)
    folder = tempfile.mkdtemp(prefix="headlines-")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for h in HEADLINES for w in h.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    skip_ids = set(tokenizer.all_special_ids) | set(tokenizer.convert_tokens_to_ids(sorted(STOPWORDS)))
    model = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)).eval()
    loader = DataLoader(HEADLINES, batch_size=3,
                        collate_fn=functools.partial(collate_headlines, tokenizer=tokenizer, skip_ids=skip_ids))
    for members in greedy_clusters(embed_all(model, loader)):
        print([HEADLINES[i] for i in members])


if __name__ == "__main__":
    main()
