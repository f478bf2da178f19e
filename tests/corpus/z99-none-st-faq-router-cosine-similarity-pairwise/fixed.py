"""Route incoming chat questions to the closest FAQ entry with a sentence-transformers encoder; questions
whose best match scores below a threshold go to a human agent.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

FAQ = [
    "how to reset a forgotten password",
    "how to change the billing address",
    "which payment methods are accepted",
    "how to cancel a subscription",
    "how long does delivery take",
    "how to return a damaged item",
]
INCOMING = [
    "i forgot my password",
    "can i pay by bank transfer",
    "my parcel has not arrived",
    "the lamp arrived broken",
]
THRESHOLD = 0.2


def encoder_from_scratch(folder, corpus):
    words = sorted({w for line in corpus for w in line.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    transformer = Transformer(folder, max_seq_length=32)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")


def route(model, questions, faq, threshold):
    q_emb = model.encode(questions, convert_to_tensor=True)
    faq_emb = model.encode(faq, convert_to_tensor=True)
    scores = F.cosine_similarity(q_emb.unsqueeze(1), faq_emb.unsqueeze(0), dim=-1)
    best_score, best_idx = scores.max(dim=1)
    return [(q, faq[i] if s >= threshold else "-> human agent", round(s, 3))
            for q, s, i in zip(questions, best_score.tolist(), best_idx.tolist())]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = encoder_from_scratch(tempfile.mkdtemp(prefix="faq-router-"), FAQ + INCOMING)
    for question, answer, score in route(model, INCOMING, FAQ, THRESHOLD):
        print(f"{question!r:32} {answer!r:40} {score}")
