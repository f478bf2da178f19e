"""Topic probe on a sentence encoder that projects its pooled embeddings down with a Dense layer."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

DOCS = [("stocks fell sharply today", 0), ("the team won the cup", 1), ("new vaccine trial results", 2),
        ("bond yields rose again", 0), ("coach signs a new deal", 1), ("doctors warn of flu season", 2)]


def make_encoder(folder):
    words = sorted({w for t, _ in DOCS for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    bert = BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=48, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=96))
    bert.save_pretrained(folder)
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    word = Transformer(folder)
    pool = Pooling(word.get_word_embedding_dimension())
    down = Dense(in_features=pool.get_embedding_dimension(), out_features=24, activation_function=nn.Identity())
    return SentenceTransformer(modules=[word, pool, down], device="cpu")


class TopicProbe(nn.Module):
    def __init__(self, dim, n_topics):
        super().__init__()
        self.out = nn.Sequential(nn.Dropout(0.1), nn.Linear(dim, n_topics))

    def forward(self, emb):
        return self.out(emb)


st = make_encoder(tempfile.mkdtemp())
emb = st.encode([t for t, _ in DOCS], convert_to_tensor=True, show_progress_bar=False)
y = torch.tensor([c for _, c in DOCS])
probe = TopicProbe(st.get_embedding_dimension(), 3)
opt = torch.optim.Adam(probe.parameters(), lr=1e-2)
for step in range(20):
    loss = nn.functional.cross_entropy(probe(emb), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("final loss", round(loss.item(), 3))
