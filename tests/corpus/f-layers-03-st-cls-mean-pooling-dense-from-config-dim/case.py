"""FAQ search for an HR chatbot: a local DistilBERT encoder in a SentenceTransformer with a projection head,
questions matched to the closest FAQ entry by cosine similarity."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer, util
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

FAQ = [
    "how many vacation days do i get",
    "when is the salary paid",
    "how do i request parental leave",
    "who approves my travel expenses",
]
QUESTIONS = ["when do we get paid", "how do i book vacation days"]

# --- build a small local encoder (no hub access on the cluster) ---
export_dir = tempfile.mkdtemp()
words = sorted({w for s in FAQ + QUESTIONS for w in s.split()})
with open(os.path.join(export_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(export_dir, "vocab.txt"))
cfg = DistilBertConfig(vocab_size=len(tok), dim=48, n_layers=2, n_heads=4, hidden_dim=96, max_position_embeddings=64)
torch.manual_seed(0)
DistilBertModel(cfg).save_pretrained(export_dir)
tok.save_pretrained(export_dir)

# --- sentence encoder: CLS and mean pooling together, projected to 32 dims for the vector index ---
encoder = Transformer(export_dir, max_seq_length=32)
pooling = Pooling(cfg.dim, pooling_mode=("cls", "mean"))
projection = Dense(in_features=cfg.dim, out_features=32, activation_function=torch.nn.Identity())
st = SentenceTransformer(modules=[encoder, pooling, projection], device="cpu")

# --- index the FAQ and answer the questions ---
faq_vectors = st.encode(FAQ, convert_to_tensor=True, normalize_embeddings=True)
question_vectors = st.encode(QUESTIONS, convert_to_tensor=True, normalize_embeddings=True)
scores = util.cos_sim(question_vectors, faq_vectors)
for question, row in zip(QUESTIONS, scores):
    best = int(row.argmax())
    print(f"{question!r} -> {FAQ[best]!r} ({row[best]:.2f})")
