"""Match candidate CVs to open job postings with a sentence-transformers bi-encoder."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

JOBS = [
    "backend engineer python django postgres",
    "data analyst sql dashboards excel",
    "mobile developer kotlin android",
]
CVS = [
    "five years building django apis in python with postgres",
    "android apps in kotlin and java",
    "built sales dashboards in sql and excel",
    "python data pipelines and sql reporting",
    "ios and android developer using kotlin",
]


def load_matcher(folder):
    words = sorted({w for t in JOBS + CVS for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    word = Transformer(folder, max_seq_length=48)
    return SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension()), Normalize()], device="cpu")


def match_candidates(cv_emb, job_emb, top_k=2):
    """Cosine scores (embeddings are normalized): one row per CV, one column per job."""
    scores = cv_emb @ job_emb.T
    best = scores.topk(top_k, dim=1)
    return best.indices.tolist(), best.values.tolist()


if __name__ == "__main__":
    torch.manual_seed(0)
    matcher = load_matcher(tempfile.mkdtemp())
    job_emb = matcher.encode(JOBS, convert_to_tensor=True)
    cv_emb = matcher.encode(CVS, convert_to_tensor=True, batch_size=8)
    print("embeddings", tuple(cv_emb.shape), tuple(job_emb.shape))
    picks, scores = match_candidates(cv_emb, job_emb)
    for cv, jobs, s in zip(CVS, picks, scores):
        print(cv[:30], "->", [JOBS[j].split()[0] for j in jobs], [round(x, 2) for x in s])
