"""Keyphrase tagging (B / I / O) on top of the sentence-transformers encoder we already use for search, so
that both share one model: the tagger reads the encoder's token embeddings.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

TAGS = ["O", "B", "I"]
SENTENCES = [
    ("the battery drains fast after the update", "O B O O O O B"),
    ("my wireless mouse stopped working", "O B I O O"),
    ("the screen flickers in dark mode", "O B O O B I"),
    ("refund for the broken charger please", "B O O O B O"),
    ("bluetooth pairing fails on my laptop", "B I O O O B"),
    ("the camera app crashes at startup", "O B I O O B"),
    ("cannot log in with two factor codes", "O O O O B I I"),
    ("the keyboard backlight is too dim", "O B I O O O"),
]


class KeyphraseSentences(Dataset):
    def __init__(self, rows):
        self.rows = [(text, [TAGS.index(t) for t in tags.split()]) for text, tags in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def load_encoder(folder):
    words = sorted({w for text, _ in SENTENCES for w in text.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word_model = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word_model, Pooling(word_model.get_embedding_dimension())], device="cpu")


def make_collate(encoder):
    def collate(batch):
        texts, tag_lists = zip(*batch)
        features = encoder.preprocess(list(texts))
        tags = torch.full(features["input_ids"].shape, -100)
        for row, word_tags in enumerate(tag_lists):
            tags[row, 1:1 + len(word_tags)] = torch.tensor(word_tags)
        return features, tags
    return collate


def main():
    torch.manual_seed(0)
    encoder = load_encoder(tempfile.mkdtemp(prefix="keyphrase-"))
    tagger = nn.Linear(encoder.get_embedding_dimension(), len(TAGS))
    params = list(encoder.parameters()) + list(tagger.parameters())
    optimizer = torch.optim.AdamW(params, lr=5e-4)
    loader = DataLoader(KeyphraseSentences(SENTENCES), batch_size=4, shuffle=True, collate_fn=make_collate(encoder))

    encoder.train()
    for epoch in range(2):
        for features, tags in loader:
            token_states = encoder(features)["token_embeddings"]
            logits = tagger(token_states)
            loss = F.cross_entropy(logits, tags, ignore_index=-100)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: tagging loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
